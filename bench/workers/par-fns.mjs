/** User functions for the parallel suite, named by URL + export (the same one for weft and the single-thread loop). */
export const square = (x) => x * x;
