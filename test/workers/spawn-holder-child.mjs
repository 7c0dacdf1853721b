import { spawn } from "../../dist/index.js";
/**
 * Spawns a grandchild that takes `mutex` and holds it until terminated (die-holding.mjs,
 * "terminate"), then stays until it is itself terminated. Terminating this worker stops the
 * grandchild with it (Node stops a worker's own workers).
 */
export default async function spawnHolderChild(mutex, ctl) {
  spawn(new URL("./die-holding.mjs", import.meta.url), mutex, "mutex", ctl, "terminate");
  await new Promise(() => {});
}
