/** review13: pool tasks whose result cannot be sent back, holding a channel end. */
/** A clone of the Sender beside a function (the pool's codec refuses the function). */
export const cloneAndFunction = (tx) => ({ tx: tx.clone(), f: () => 1 });
