/**
 * Returns a channel end: "same" the Sender it was given, "clone" a clone it made (in an object).
 * Either way the end moves to the joiner with the result, as a Rust thread's return value moves.
 */
export default function giveBack(tx, how) {
  return how === "same" ? tx : { tx: tx.clone() };
}
