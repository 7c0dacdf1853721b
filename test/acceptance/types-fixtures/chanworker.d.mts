import type { Receiver, Sender } from "../../../dist/index.js";
declare const relay: (rx: Receiver<number>, tx: Sender<string>) => number;
export default relay;
