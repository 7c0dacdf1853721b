// Part 8: a moved buffer nested <= 12 levels deep must still be refused by Sendable.
import { send, share, type Moved, type Sender } from "../../src/index.js";
declare function txOf<T>(): Sender<T>;
declare const m: Moved<ArrayBuffer>;
const moved = new ArrayBuffer(8);
send(txOf<ArrayBuffer>(), moved); // `moved` is Moved<ArrayBuffer> from here on
const v1 = { a: moved };
// @ts-expect-error moved buffer at depth 1
txOf<typeof v1>().send(v1);
// @ts-expect-error share(): moved buffer at depth 1
share(v1);
const v6 = { a: { b: { c: { d: { e: { f: moved } } } } } };
// @ts-expect-error moved buffer at depth 6
txOf<typeof v6>().send(v6);
// @ts-expect-error share(): moved buffer at depth 6
share(v6);
const v11 = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: moved } } } } } } } } } } };
// @ts-expect-error moved buffer at depth 11
txOf<typeof v11>().send(v11);
// @ts-expect-error share(): moved buffer at depth 11
share(v11);
const v12 = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: moved } } } } } } } } } } } };
// @ts-expect-error moved buffer at depth 12
txOf<typeof v12>().send(v12);
// @ts-expect-error share(): moved buffer at depth 12
share(v12);
const arr = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: [moved] } } } } } } } } } } };
// @ts-expect-error moved buffer in an array at depth 12
txOf<typeof arr>().send(arr);
const mp = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: new Map([[1, moved]]) } } } } } } } } } } };
// @ts-expect-error moved buffer in a Map at depth 12
txOf<typeof mp>().send(mp);
const fn = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: () => 1 } } } } } } } } } } } };
// @ts-expect-error a function at depth 12
txOf<typeof fn>().send(fn);
