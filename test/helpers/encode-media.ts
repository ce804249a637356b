/** RTP (RFC 3550) and MPEG-TS (ISO/IEC 13818-1) payloads for the stream-quality tests. */
/**
 * An RTP packet (RFC 3550 §5.1): V=2, no CSRC, payload type 33 (MP2T) unless told, timestamp
 * sequence × 3000 (a 90 kHz clock at 30 packets a second) unless told; `body`
 * (e.g. TS packets) or `payloadLength` zero bytes after the header.
 */
export function rtp(sequence: number, ssrc = 0x11223344, payloadLength = 20, options: { payloadType?: number; timestamp?: number; body?: Uint8Array } = {}): Uint8Array {
  const body = options.body ?? new Uint8Array(payloadLength);
  const bytes = new Uint8Array(12 + body.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x80;
  bytes[1] = options.payloadType ?? 33;
  view.setUint16(2, sequence & 0xffff);
  view.setUint32(4, (options.timestamp ?? sequence * 3000) >>> 0);
  view.setUint32(8, ssrc);
  bytes.set(body, 12);
  return bytes;
}

export interface TsPacketSpec {
  pid: number;
  counter: number;
  /** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both. */
  control?: number;
  discontinuity?: boolean;
}

/** A datagram of 188-byte MPEG-TS packets (ISO/IEC 13818-1 §2.4.3.2). */
export function ts(...packets: TsPacketSpec[]): Uint8Array {
  const bytes = new Uint8Array(188 * packets.length).fill(0xff);
  packets.forEach((packet, index) => {
    const at = index * 188;
    const control = packet.control ?? 1;
    bytes[at] = 0x47;
    bytes[at + 1] = (packet.pid >> 8) & 0x1f;
    bytes[at + 2] = packet.pid & 0xff;
    bytes[at + 3] = (control << 4) | (packet.counter & 0x0f);
    if (control & 2) {
      bytes[at + 4] = 1;
      bytes[at + 5] = packet.discontinuity ? 0x80 : 0;
    }
  });
  return bytes;
}
