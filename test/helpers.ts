/** Shared helpers for tests: worker module URLs and the built library. */
export const workerUrl = (name: string): URL => new URL(`./workers/${name}`, import.meta.url);
