/**
 * Type tests for track(): a Node worker_threads Worker or a browser Web Worker, nothing else.
 * Checked by `npm run typecheck` (never run).
 */
import { Worker as NodeWorker } from "node:worker_threads";
import { track, type NodeWorkerLike, type WebWorkerLike } from "../../dist/index.js";

export function typeTests(nodeWorker: NodeWorker, webWorker: Worker): void {
  track(nodeWorker);
  track(webWorker);
  const a: NodeWorkerLike = nodeWorker;
  const b: WebWorkerLike = webWorker;
  void a;
  void b;
  // @ts-expect-error a number is not a worker
  track(42);
  // @ts-expect-error a plain object is not a worker
  track({});
  // @ts-expect-error a MessagePort can post but not terminate
  track(new MessageChannel().port1);
}
