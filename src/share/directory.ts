/**
 * Buffer directory: lets a SharedArrayBuffer travel *inside bytes* — a channel message holding a
 * weft primitive, a channel end, or a typed array over shared memory (Node only).
 *
 * Bytes cannot carry a SharedArrayBuffer; only structured clone can. So the first time a thread
 * encodes a buffer, it gives it a process-wide id (a counter in the thread registry) and posts
 * `{ id, buffer }` on a BroadcastChannel that every weft thread of the process listens on; the
 * message carries the id. A receiving thread looks the id up, and on a miss drains its
 * BroadcastChannel synchronously (`receiveMessageOnPort`) — the post happened before the message
 * was published, so it is already queued. Threads started later inherit the directory through
 * `worker_threads` environment data.
 *
 * Cost: every listening thread keeps every posted buffer alive (they are few: the primitives
 * that were sent inside messages). Browsers have no synchronous receive, so there this is a
 * DataCloneError at send time (`noDirectory`), before anything enters the channel.
 */
import { DataCloneError } from "../errors.js";
import { allocateBufferId, registryId } from "../thread/registry.js";
import * as sys from "../sys/index.js";

const nodeProcess: any = (globalThis as any).process;
const wt: any =
  typeof nodeProcess?.getBuiltinModule === "function" ? nodeProcess.getBuiltinModule("node:worker_threads") : undefined;
const ENV_KEY = "weft.buffers.v1";

/** What a runtime without `worker_threads` (a browser) says when a message holds shared memory. */
const noDirectory = () =>
  new DataCloneError(
    "a SharedArrayBuffer inside a channel message (a weft primitive, a channel end, or a typed array over shared " +
      "memory) can only travel between Node worker_threads: a browser has no synchronous receive for the buffer to " +
      "follow the message. Hand such values to a worker once, with share() over postMessage (revive() on the other " +
      "side), and send plain data over the channel",
  );

const idOfBuffer = new WeakMap<SharedArrayBuffer, number>();
const bufferOfId = new Map<number, SharedArrayBuffer>();
let port: any = null;
let portRegistry = 0;

function remember(id: number, sab: SharedArrayBuffer): void {
  if (bufferOfId.has(id)) return;
  bufferOfId.set(id, sab);
  idOfBuffer.set(sab, id);
}

/** This thread's listening end (created on first use; does not keep the process alive). */
function listen(): any {
  const reg = registryId();
  if (port !== null && portRegistry === reg) return port;
  port?.close();
  port = new wt.BroadcastChannel(`weft.buffers.${reg}`);
  // Whenever this thread's event loop turns, queued posts are dispatched as events, and taken
  // off the queue that `drain` reads: keep them then too (without this, a thread that awaited
  // anything between a post and its first use of the buffer lost it).
  port.onmessage = (e: { data: unknown }) => keep(e.data);
  port.unref?.();
  portRegistry = reg;
  const inherited = wt.getEnvironmentData?.(ENV_KEY);
  if (inherited instanceof Map) for (const [id, sab] of inherited) remember(id, sab);
  return port;
}

/** Starts listening now, so buffers posted from here on reach this thread (called at start-up). */
export function startListening(): void {
  // (Without SharedArrayBuffer there is nothing to listen for, and no registry to make.)
  if (wt !== undefined && typeof SharedArrayBuffer === "function") listen();
}

function drain(): void {
  const p = listen();
  for (;;) {
    const m = wt.receiveMessageOnPort(p);
    if (m === undefined) return;
    keep(m.message);
  }
}

function keep(message: unknown): void {
  const { id, buffer } = (message ?? {}) as { id?: unknown; buffer?: unknown };
  if (typeof id === "number" && buffer instanceof SharedArrayBuffer) remember(id, buffer);
}

/** The id under which `sab` travels in bytes (posting it to every thread the first time). */
export function idOf(sab: SharedArrayBuffer): number {
  const known = idOfBuffer.get(sab);
  if (known !== undefined) return known;
  if (wt?.BroadcastChannel === undefined) throw noDirectory();
  const p = listen();
  const id = allocateBufferId();
  remember(id, sab);
  p.postMessage({ id, buffer: sab });
  // Workers started later from this thread inherit what it knows.
  wt.setEnvironmentData?.(ENV_KEY, new Map(bufferOfId));
  return id;
}

/**
 * Every buffer this thread knows by id, after draining what was posted so far: for a thread that
 * started listening late (see `learnBuffers`).
 */
export function knownBuffers(): Map<number, SharedArrayBuffer> {
  if (wt !== undefined) drain();
  return new Map(bufferOfId);
}

/**
 * Takes in buffers another thread knew. A worker's environment data is a snapshot taken when it
 * was created, and it listens only once its code runs: a buffer posted in between reaches it only
 * this way (pool workers ask their parent for `knownBuffers()` after they start listening).
 */
export function learnBuffers(known: Map<number, SharedArrayBuffer>): void {
  for (const [id, sab] of known) if (sab instanceof SharedArrayBuffer) remember(id, sab);
}

/** The buffer an id stands for. */
export function bufferOf(id: number): SharedArrayBuffer {
  let sab = bufferOfId.get(id);
  if (sab !== undefined) return sab;
  if (wt === undefined) throw noDirectory();
  const deadline = sys.now() + 2000;
  for (let round = 0; ; round++) {
    drain();
    sab = bufferOfId.get(id);
    if (sab !== undefined) return sab;
    if (sys.now() > deadline) {
      throw new DataCloneError(
        `a shared buffer in this message (id ${id}) never reached this thread: it was sent before this thread ` +
          "started listening; pass long-lived primitives to spawn() or share() instead",
      );
    }
    sys.snooze(64 + round);
  }
}

// Listen from the start: a buffer posted before this thread listens would never reach it.
startListening();
