/** A module whose default export is not a function. */
export default 42;
