// Default export takes channel ends: receives numbers, sends their doubles as strings.
export default function relay(rx, tx) {
  let n = 0;
  for (const v of rx) {
    tx.send(String(v * 2));
    n++;
  }
  return n;
}
