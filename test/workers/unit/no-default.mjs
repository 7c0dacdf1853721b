/** A module without a default export. */
export const notDefault = () => 1;
