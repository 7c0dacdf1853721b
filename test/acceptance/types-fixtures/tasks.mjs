// Worker module for the acceptance type tests (types in tasks.d.mts).
export default function main(counter, n, label) {
  const g = counter.lock();
  try {
    g.value[0] += n;
    return { label: label ?? "none", total: g.value[0] };
  } finally {
    g.unlock();
  }
}
export const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
export const greet = (name) => `hello ${name}`;
export const asyncLen = async (s) => s.length;
export const makeFn = () => () => 1;
export const sq = (x, i) => x * x + 0 * i;
export const sqAsync = async (x) => x * x;
export const toStr = (x) => String(x);
export const optional = (a, b) => `${a}:${b ?? "-"}`;
export const rest = (...xs) => xs.reduce((a, b) => a + b, 0);
export const notFn = 42;
export const counts = (words) => new Map(words.map((w) => [w, w.length]));
export const echo = (v) => v;
export const describeErr = (e) => `${e.name}:${e.message}`;
export const viaChannel = (tx, n) => {
  for (let i = 0; i < n; i++) tx.send(i);
  tx.close?.();
  return n;
};
