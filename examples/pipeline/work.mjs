/** The CPU-bound transform: `rounds` rounds of a 32-bit FNV-style mix over the record. */
export function digest(record, rounds) {
  let h = 0x811c9dc5 ^ record.id;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < record.name.length; i++) h = Math.imul(h ^ record.name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ r;
  }
  return h >>> 0;
}
