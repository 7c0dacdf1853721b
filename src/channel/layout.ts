/**
 * Channel header: Int32 words at the start of a channel's shared buffer.
 *
 *   [0]  TAG          TypeTag.Channel
 *   [1]  FLAVOR       1 array (bounded) · 2 list (unbounded) · 3 zero (rendezvous) · 4 timer (after/tick/never)
 *   [2]  CAP          capacity (array flavor), 0 otherwise
 *   [3]  SENDERS      live Sender handles, in every thread (a shared handle counts)
 *   [4]  RECEIVERS    live Receiver handles
 *   [5]  SLOT_BYTES   inline bytes per slot for variable-size codecs
 *   [6]  CHAN_ID      the channel's id, unique in the thread registry (bounded: what reservations
 *                     name in their threads' INTENT words, see flavors/array.ts; rendezvous: what a
 *                     thread counts its own waiting receivers by, see flavors/zero.ts)
 *   [7]  CHAN_REG     the ID of the thread registry that gave CHAN_ID (ids are unique only within one
 *                     registry; `sameChannel` compares both). 0 in channels of older copies
 *   [16] TAIL         (byte 64, own cache line) next position to write; DISCONNECTED mark bit
 *   [32] HEAD         (byte 128, own cache line) next position to read
 *   [48] RX_SEQ       (byte 192) event count receivers park on: bumped when a message arrives
 *   [49] RX_SLEEPERS  receivers parked or about to park; senders skip the bump+notify at 0
 *   [50] RX_PENDING   1 while a wake-up is on its way to a receiver that has not re-checked yet:
 *                     later senders skip the bump+notify (the woken one passes it on if needed)
 *   [64] TX_SEQ       (byte 256) event count senders park on: bumped when room appears
 *   [65] TX_SLEEPERS
 *   [66] TX_PENDING
 *   [80..96)          flavor-specific words (byte 320)
 *   [96]  SEL_RX      (byte 384) selects waiting for a message: count, then SEL_ENTRIES thread slots
 *   [112] SEL_TX      (byte 448) selects waiting for room: count, then SEL_ENTRIES thread slots
 *   HEADER_BYTES = 512; the flavor's regions follow.
 */
export const TAG = 0, FLAVOR = 1, CAP = 2, SENDERS = 3, RECEIVERS = 4, SLOT_BYTES = 5, CHAN_ID = 6, CHAN_REG = 7;
export const TAIL = 16, HEAD = 32;
export const RX_SEQ = 48, RX_SLEEPERS = 49, TX_SEQ = 64, TX_SLEEPERS = 65;
export const FLAVOR_WORDS = 80;
export const SEL_RX = 96, SEL_TX = 112, SEL_ENTRIES = 15;
export const HEADER_BYTES = 512;
export const CHANNEL_TAG = 0x77660030;

export const enum Flavor {
  Array = 1,
  List = 2,
  Zero = 3,
  Timer = 4,
}

/** Round `n` up to a multiple of `a` (a power of two). */
export const alignUp = (n: number, a: number): number => (n + a - 1) & ~(a - 1);
