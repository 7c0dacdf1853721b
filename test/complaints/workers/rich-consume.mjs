import { diff } from "./rich-lib.mjs";
/** Receives until disconnected (recv and recvMany alternately); checks every value. */
export default function consume(rx) {
  const seen = [];
  const bad = [];
  const check = (v) => {
    const d = typeof v?.p === "number" ? diff(v, v.p, v.s) : "no (p, s)";
    if (d === null) seen.push(v.p * 100_000 + v.s);
    else bad.push(`${v?.p}/${v?.s}: ${d}`);
  };
  for (let i = 0; ; i++) {
    try {
      if (i % 2 === 0) check(rx.recv());
      else for (const v of rx.recvMany(4)) check(v);
    } catch (e) {
      if (e?.name === "RecvError") break;
      throw e;
    }
  }
  return { seen, bad };
}
