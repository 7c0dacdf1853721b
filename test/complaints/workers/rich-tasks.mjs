import { diff, rich } from "./rich-lib.mjs";
/** A pool task: checks its argument is rich(p, s) and answers with rich(p, s) (or the difference). */
export async function roundTrip(p, s, v) {
  const d = diff(v, p, s);
  if (d !== null) return `argument ${p}/${s}: ${d}`;
  if (s % 3 === 0) await null; // some settle asynchronously
  return rich(p, s);
}
