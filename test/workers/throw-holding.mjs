/** Locks `mutex` and throws holding it (a Rust thread panicking with the guard held). */
export default function throwHolding(mutex) {
  mutex.lock();
  throw new Error("died holding the lock");
}
