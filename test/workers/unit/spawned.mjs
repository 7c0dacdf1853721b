/** Default export for spawn() tests: `kind` picks the behaviour. */
import { AtomicI32, Mutex, Semaphore, threadSlot } from "../../../dist/index.js";

export class QuotaError extends Error {
  constructor(message) {
    super(message);
    this.name = "QuotaError";
    this.code = "E_QUOTA";
    this.limit = 3;
  }
}

function throwQuota() {
  throw new QuotaError("quota exceeded in worker");
}

export default async function spawned(kind, ...args) {
  switch (kind) {
    case "echo": {
      // Revived args: report what arrived, after an await (join gives the awaited result).
      await new Promise((r) => setTimeout(r, 10));
      // (instanceof, not constructor.name: the built classes are named "_Mutex" etc., see test/index.test.ts)
      return args.map((a) =>
        a instanceof Mutex ? "Mutex" : a instanceof AtomicI32 ? "AtomicI32" : a === null ? "null" : typeof a === "object" ? a.constructor.name : typeof a,
      );
    }
    case "args":
      return args;
    case "increment": {
      const [atomic, mutex] = args;
      atomic.fetchAdd(1);
      mutex.withLock((v) => (v[0] += 1));
      return "ok";
    }
    case "makePrimitives":
      return { atomic: new AtomicI32(args[0]), mutex: new Mutex(new Int32Array(new SharedArrayBuffer(4))) };
    case "undefined":
      return undefined;
    case "slot":
      return threadSlot();
    case "custom":
      throwQuota();
      break;
    case "type":
      null.boom;
      break;
    case "timeout": {
      const s = new Semaphore(1);
      s.acquire();
      s.acquire(1, { timeout: 1 });
      break;
    }
    case "cause":
      throw new Error("outer failure", { cause: new RangeError("inner cause") });
    case "bare":
      throw new TypeError();
    case "protoMessage": {
      class Quiet extends Error {}
      Quiet.prototype.message = "from the prototype";
      throw new Quiet();
    }
    case "enumerableCause": {
      const e = new Error("assigned cause");
      e.cause = 5;
      throw e;
    }
    case "primitiveOnError": {
      // A weft primitive given as an argument, thrown back on the error.
      const e = new Error("with a counter");
      e.counter = args[0];
      args[0].fetchAdd(1);
      throw e;
    }
    case "reject":
      await new Promise((r) => setTimeout(r, 5));
      throw new RangeError("async rejection");
    case "number":
      throw 42;
    case "object":
      throw { code: 7, text: "plain object" };
    case "exit":
      process.exit(args[0]);
      break;
    case "uncaught":
      setTimeout(() => {
        throw new RangeError("thrown later, outside the function");
      }, 0);
      return new Promise(() => {});
    case "lockAsync": {
      // Only an async wait is pending in this worker: weft's keep-alive must keep it running.
      const g = await args[0].lockAsync({ timeout: 10_000 });
      g.unlock();
      return "acquired";
    }
    case "fnResult":
      return { notCloneable: () => 1 };
    case "classResult": {
      // A class instance: copied as a plain object by structured clone — unless it holds a weft
      // primitive (args[0] given: an AtomicI32), which would arrive broken: refused.
      class Point {
        constructor(x, counter) {
          this.x = x;
          if (counter !== undefined) this.counter = counter;
        }
        norm() {
          return Math.abs(this.x);
        }
      }
      return { p: new Point(3, args[0]) };
    }
    case "domTimeout":
      // What AbortSignal.timeout() rejects with: a DOMException named "TimeoutError", not weft's.
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    case "forever":
      return new Promise((r) => setTimeout(r, 60_000));
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}
