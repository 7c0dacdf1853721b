/** A function for parallel.map, named by this module's URL and the export name "square". */
export function square(x) {
  return x * x;
}
