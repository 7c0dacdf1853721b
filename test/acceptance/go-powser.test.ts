/**
 * An independent port of golang/go test/chan/powser1.go (McIlroy's power series over demand
 * channels) to weft. A power series is a pair of rendezvous channels: `req` (a demand) and `dat`
 * (a rational coefficient, [num, den]; den 0 marks the end). Every goroutine is an async function
 * of the main thread (the program needs concurrency, not parallelism); blocking selects are
 * selectAsync, with send arms (getn's `req[i] <- seqno`) offered to receivers of the same thread.
 * Go leaks its goroutines at exit; here every end is closed at the end and every goroutine must
 * then finish (by RecvError / SendError / ClosedError).
 *
 * Checked as in Go's main: Ones, Add, Diff, Integ, Cmul, Sub, Mul, Exp, ATan (Integ∘MonSubst).
 * Not ported: the print mode, Evaln / Printn / Poly (unused by the test), Revert (commented out in Go).
 */
import { expect, it } from "vitest";
import { channel, selectAsync, sendArm, type Receiver, type Send, type Sender } from "../../dist/index.js";
import { within } from "./acc3-util.js";

type Rat = [number, number];

it("powser1.go: power series arithmetic over demand channels", async () => {
  const ends: { close(): void }[] = [];
  const goroutines: Promise<void>[] = [];
  let tornDown = false;
  const goRun = (f: () => Promise<void>) => {
    goroutines.push(
      f().catch((e) => {
        if (!tornDown) throw e;
      }),
    );
  };
  const mkchan = <T extends Send<T>>(): [Sender<T>, Receiver<T>] => {
    const c = channel<T>({ capacity: 0 });
    ends.push(c[0], c[1]);
    return c;
  };

  interface Dch {
    req: [Sender<number>, Receiver<number>];
    dat: [Sender<Rat>, Receiver<Rat>];
  }
  const mkdch = (): Dch => ({ req: mkchan<number>(), dat: mkchan<Rat>() });
  const mkdch2 = (): [Dch, Dch] => [mkdch(), mkdch()];
  let seqno = 0;

  // rationals
  const gcd = (u: number, v: number): number => (u < 0 ? gcd(-u, v) : u === 0 ? v : gcd(v % u, u));
  const i2tor = (u: number, v: number): Rat => {
    const g = gcd(u, v);
    return v > 0 ? [u / g, v / g] : [-u / g, -v / g];
  };
  const itor = (u: number): Rat => i2tor(u, 1);
  const zero = itor(0), one = itor(1), finis = i2tor(1, 0);
  const end = (u: Rat): number => (u[1] === 0 ? 1 : 0);
  const add = (u: Rat, v: Rat): Rat => {
    const g = gcd(u[1], v[1]);
    return i2tor(u[0] * (v[1] / g) + v[0] * (u[1] / g), u[1] * (v[1] / g));
  };
  const mul = (u: Rat, v: Rat): Rat => {
    const g1 = gcd(u[0], v[1]), g2 = gcd(u[1], v[0]);
    return [(u[0] / g1) * (v[0] / g2), (u[1] / g2) * (v[1] / g1)];
  };
  const neg = (u: Rat): Rat => i2tor(-u[0], u[1]);
  const sub = (u: Rat, v: Rat): Rat => add(u, neg(v));
  void sub;

  // channel plumbing
  const get = async (inp: Dch): Promise<Rat> => {
    seqno++;
    await inp.req[0].sendAsync(seqno);
    return inp.dat[1].recvAsync();
  };
  const put = async (dat: Rat, out: Dch) => {
    await out.req[1].recvAsync();
    await out.dat[0].sendAsync(dat);
  };
  const getn = async (ins: Dch[]): Promise<Rat[]> => {
    const req: (Sender<number> | null)[] = ins.map((d) => d.req[0]);
    const dat: (Receiver<Rat> | null)[] = ins.map(() => null);
    const out: Rat[] = [];
    for (let n = 2 * ins.length; n > 0; n--) {
      seqno++;
      const arms: any[] = [];
      const what: [string, number][] = [];
      ins.forEach((d, i) => {
        if (req[i]) {
          arms.push(sendArm(req[i]!, seqno));
          what.push(["req", i]);
        }
        if (dat[i]) {
          arms.push(dat[i]);
          what.push(["dat", i]);
        }
      });
      const r = await selectAsync(arms);
      if (r.error) throw r.error;
      const [kind, i] = what[r.index]!;
      if (kind === "req") {
        dat[i] = ins[i]!.dat[1];
        req[i] = null;
      } else {
        out[i] = r.value as Rat;
        dat[i] = null;
      }
    }
    return out;
  };
  const get2 = (a: Dch, b: Dch) => getn([a, b]);
  const copy = async (inp: Dch, out: Dch) => {
    for (;;) {
      await out.req[1].recvAsync();
      await out.dat[0].sendAsync(await get(inp));
    }
  };
  const repeat = async (dat: Rat, out: Dch) => {
    for (;;) await put(dat, out);
  };

  // split: one demand channel replicated onto two, read at different rates
  const dosplit = async (inp: Dch, out: [Dch, Dch], wait: Receiver<number>): Promise<void> => {
    let both = false;
    const r = await selectAsync([out[0].req[1], wait]);
    if (r.error) throw r.error;
    if (r.index === 1) {
      both = true;
      const r2 = await selectAsync([out[0].req[1], out[1].req[1]]);
      if (r2.error) throw r2.error;
      if (r2.index === 1) {
        const t = out[0];
        out[0] = out[1];
        out[1] = t;
      }
    }
    seqno++;
    await inp.req[0].sendAsync(seqno);
    const [release, releaseRx] = mkchan<number>();
    goRun(() => dosplit(inp, out, releaseRx));
    const dat = await inp.dat[1].recvAsync();
    await out[0].dat[0].sendAsync(dat);
    if (!both) await wait.recvAsync();
    await out[1].req[1].recvAsync();
    await out[1].dat[0].sendAsync(dat);
    await release.sendAsync(0);
  };
  const split = async (inp: Dch, out: [Dch, Dch]) => {
    const [release, releaseRx] = mkchan<number>();
    goRun(() => dosplit(inp, out, releaseRx));
    await release.sendAsync(0);
  };
  const Split = (U: Dch): [Dch, Dch] => {
    const UU = mkdch2();
    goRun(() => split(U, UU));
    return UU;
  };

  // power series
  const Add = (U: Dch, V: Dch): Dch => {
    const Z = mkdch();
    goRun(async () => {
      for (;;) {
        await Z.req[1].recvAsync();
        const uv = await get2(U, V);
        switch (end(uv[0]!) + 2 * end(uv[1]!)) {
          case 0:
            await Z.dat[0].sendAsync(add(uv[0]!, uv[1]!));
            break;
          case 1:
            await Z.dat[0].sendAsync(uv[1]!);
            await copy(V, Z);
            break;
          case 2:
            await Z.dat[0].sendAsync(uv[0]!);
            await copy(U, Z);
            break;
          case 3:
            await Z.dat[0].sendAsync(finis);
        }
      }
    });
    return Z;
  };
  const Cmul = (c: Rat, U: Dch): Dch => {
    const Z = mkdch();
    goRun(async () => {
      let done = false;
      while (!done) {
        await Z.req[1].recvAsync();
        const u = await get(U);
        if (end(u)) done = true;
        else await Z.dat[0].sendAsync(mul(c, u));
      }
      await Z.dat[0].sendAsync(finis);
    });
    return Z;
  };
  const Sub = (U: Dch, V: Dch) => Add(U, Cmul(neg(one), V));
  const Rep = (c: Rat): Dch => {
    const Z = mkdch();
    goRun(() => repeat(c, Z));
    return Z;
  };
  const Mul = (U: Dch, V: Dch): Dch => {
    const Z = mkdch();
    goRun(async () => {
      await Z.req[1].recvAsync();
      const uv = await get2(U, V);
      if (end(uv[0]!) || end(uv[1]!)) await Z.dat[0].sendAsync(finis);
      else {
        await Z.dat[0].sendAsync(mul(uv[0]!, uv[1]!));
        const UU = Split(U), VV = Split(V);
        const W = Add(Cmul(uv[0]!, VV[0]), Cmul(uv[1]!, UU[0]));
        await Z.req[1].recvAsync();
        await Z.dat[0].sendAsync(await get(W));
        await copy(Add(W, Mul(UU[1], VV[1])), Z);
      }
    });
    return Z;
  };
  const Diff = (U: Dch): Dch => {
    const Z = mkdch();
    goRun(async () => {
      await Z.req[1].recvAsync();
      let u = await get(U);
      if (!end(u)) {
        let done = false;
        for (let i = 1; !done; i++) {
          u = await get(U);
          if (end(u)) done = true;
          else {
            await Z.dat[0].sendAsync(mul(itor(i), u));
            await Z.req[1].recvAsync();
          }
        }
      }
      await Z.dat[0].sendAsync(finis);
    });
    return Z;
  };
  const Integ = (c: Rat, U: Dch): Dch => {
    const Z = mkdch();
    goRun(async () => {
      await put(c, Z);
      let done = false;
      for (let i = 1; !done; i++) {
        await Z.req[1].recvAsync();
        const u = await get(U);
        if (end(u)) done = true;
        await Z.dat[0].sendAsync(mul(i2tor(1, i), u));
      }
      await Z.dat[0].sendAsync(finis);
    });
    return Z;
  };
  const Exp = (U: Dch): Dch => {
    const ZZ = mkdch2();
    goRun(() => split(Integ(one, Mul(ZZ[0], Diff(U))), ZZ));
    return ZZ[1];
  };
  const MonSubst = (U: Dch, c0: Rat, n: number): Dch => {
    const Z = mkdch();
    goRun(async () => {
      let c = one;
      for (;;) {
        await Z.req[1].recvAsync();
        const u = await get(U);
        await Z.dat[0].sendAsync(mul(u, c));
        c = mul(c, c0);
        if (end(u)) {
          await Z.dat[0].sendAsync(finis);
          break;
        }
        for (let i = 1; i < n; i++) {
          await Z.req[1].recvAsync();
          await Z.dat[0].sendAsync(zero);
        }
      }
    });
    return Z;
  };

  const fmt = (r: Rat) => `${r[0]}/${r[1]}`;
  const eq = (a: Rat, b: Rat) => a[0] === b[0] && a[1] === b[1];
  const check = async (U: Dch, c: Rat, count: number, what: string) => {
    for (let i = 0; i < count; i++) {
      const r = await within(get(U), `${what} term ${i}`, 20_000);
      if (!eq(r, c)) expect.unreachable(`${what}: got ${fmt(r)}, should get ${fmt(c)}`);
    }
  };
  const N = 10;
  const checka = async (U: Dch, a: Rat[], what: string) => {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await check(U, a[i]!, 1, `${what}[${i}]`);
    if (process.env.ACC3_TIMING) console.log(what, (performance.now() - t0).toFixed(0), "ms");
  };

  const Ones = Rep(one), Twos = Rep(itor(2));
  try {
    await check(Ones, one, 5, "Ones");
    await check(Add(Ones, Ones), itor(2), 0, "Add Ones Ones");
    await check(Add(Ones, Twos), itor(3), 0, "Add Ones Twos");
    await checka(Diff(Ones), Array.from({ length: N }, (_, i) => itor(i + 1)), "Diff");
    await checka(Integ(zero, Ones), [zero, ...Array.from({ length: N - 1 }, (_, i) => i2tor(1, i + 1))], "Integ");
    await check(Cmul(neg(one), Twos), itor(-2), 10, "CMul");
    await check(Sub(Ones, Twos), itor(-1), 0, "Sub Ones Twos");
    await checka(Mul(Ones, Ones), Array.from({ length: N }, (_, i) => itor(i + 1)), "Mul");
    const expA: Rat[] = [itor(1), itor(1), i2tor(3, 2), i2tor(13, 6), i2tor(73, 24), i2tor(167, 40), i2tor(4051, 720), i2tor(37633, 5040), i2tor(43817, 4480), i2tor(4596553, 362880)];
    await checka(Exp(Ones), expA, "Exp");
    const at: Rat[] = [];
    for (let c = 1, i = 0; i < N; i++) {
      if (i % 2 === 0) at.push(zero);
      else {
        at.push(i2tor(c, i));
        c *= -1;
      }
    }
    await checka(Integ(zero, MonSubst(Ones, neg(one), 2)), at, "ATan");
  } finally {
    tornDown = true;
    for (const e of ends) e.close();
    await within(Promise.all(goroutines), "goroutines finish after every channel is closed", 20_000);
  }
}, 60_000);
