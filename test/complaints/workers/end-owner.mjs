/**
 * Owns a channel end (the only one of its side) and dies with it, never closing it itself.
 * ctl[0] is set once it is ready to die; the death waits for ctl[1] (except "terminate": the test
 * terminates it while it waits).
 * how: "terminate" | "exit" (process.exit(7)) | "throw" | "uncaught" | "rejection"
 */
const forever = () => new Promise(() => {});

export default async function endOwner(end, ctl, how) {
  void end; // held, never closed by this code
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
  const end_ = performance.now() + 60_000;
  while (Atomics.load(ctl, 1) === 0 && performance.now() < end_) Atomics.wait(ctl, 1, 0, 50);
  switch (how) {
    case "terminate": throw new Error("was not terminated");
    case "exit": process.exit(7);
    case "throw": throw new Error("died owning the end");
    case "uncaught":
      setTimeout(() => { throw new Error("uncaught while owning the end"); }, 0);
      return forever();
    case "rejection":
      Promise.reject(new Error("unhandled rejection while owning the end"));
      return forever();
  }
  throw new Error(`unknown death ${how}`);
}
