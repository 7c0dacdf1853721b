/**
 * Reads the shared config under a read lock until `stop` is set. Checks that no read ever sees a
 * half-written update (the writer keeps `scaled === base * 10`).
 */
export default function reader(config, stop, id) {
  let reads = 0, torn = 0, versions = 0, last = -1;
  while (!stop.load()) {
    const g = config.read(); // many readers may hold it at once
    const [version, base, scaled] = g.value;
    g.unlock();
    reads++;
    if (scaled !== base * 10) torn++;
    if (version !== last) {
      versions++;
      last = version;
    }
  }
  return { id, reads, torn, versions };
}
