/** Receives one message and returns it (its Receiver closes when this returns). */
export default function recvOne(rx) {
  return rx.recv();
}
