/** Receives until every sender is gone (iteration ends on disconnect) and sums what came. */
export default function sum(rx) {
  let count = 0, total = 0;
  for (const v of rx) {
    count++;
    total += v;
  }
  return { count, sum: total };
}
