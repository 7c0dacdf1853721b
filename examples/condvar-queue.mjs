/**
 * The Condvar bounded-buffer example is the demo: producers and consumers over a ring in a
 * SharedArrayBuffer, one Mutex and two Condvars ("notEmpty" / "notFull"). See ./demo.mjs and
 * ./workers/bounded-buffer.mjs.
 *
 * Run: npm run build && node examples/condvar-queue.mjs
 */
import "./demo.mjs";
