/**
 * Loss seen inside a multicast flow from its own sequence numbers: RTP (RFC 3550) and MPEG-TS
 * (ISO/IEC 13818-1). A passive observer cannot see a packet that never arrived, but these two
 * formats number their packets, so a jump in the numbering is a gap upstream of (or at) the capture.
 *
 * RTP fixed header (RFC 3550 §5.1), 12 bytes: V(2) P X CC(4) | M PT(7) | sequence number(16) |
 *   timestamp(32) | SSRC(32), then CC × 4 bytes of CSRC. V is always 2.
 * MPEG-TS packet (ISO/IEC 13818-1 §2.4.3.2), 188 bytes: sync byte 0x47 | TEI PUSI priority PID(13) |
 *   scrambling(2) adaptation_field_control(2) continuity_counter(4) | adaptation field / payload.
 *   Over UDP, a datagram carries a whole number of TS packets (usually 7 = 1316 bytes).
 *
 * Format detection: a payload whose every 188-byte slot starts with 0x47 is MPEG-TS (0x47 has version
 * bits 01, never RTP); a flow is RTP once RTP_CONFIRMATIONS consecutive payloads carry version 2, the
 * same SSRC and sequence numbers that move forward by less than MAX_DROPOUT — random data rarely does.
 * RTP that carries MPEG-TS is counted by its RTP sequence numbers (they cover every datagram); its
 * TS packets' continuity counters are still checked per PID, and the TS packets missing are the
 * media loss (RFC 4445's MLR counts media packets, not datagrams).
 *
 * RTP interarrival jitter (RFC 3550 §6.4.1, A.8): the smoothed difference between arrival spacing
 * and RTP timestamp spacing, in the payload type's clock; known for the static payload types of
 * RFC 3551 §6 only (a dynamic type's clock is in signalling the capture does not have).
 */
import { readUint16, readUint32 } from '../bytes.js';

export type PayloadFormat = 'rtp' | 'mpeg-ts';

export interface SequenceGapCounts {
  format: PayloadFormat | null;
  /** Jumps in the numbering: each is one or more packets missing. */
  gaps: number;
  /** Packets missing, summed over the gaps (MPEG-TS: modulo 16 per PID, so a lower bound). */
  lost: number;
  /** RTP packets that arrived after a later one (late), not counted as lost. */
  reordered: number;
  /** RTP packets that repeat the highest sequence number seen. */
  duplicates: number;
  /** Media packets missing: TS packets when the flow carries MPEG-TS (plain or in RTP), else RTP packets. */
  mediaLost: number;
}

/** RFC 3551 §6: the clock rate of each static payload type (audio 8 kHz unless stated, video 90 kHz). */
const STATIC_CLOCK_RATES: ReadonlyMap<number, number> = new Map([
  [0, 8000], [3, 8000], [4, 8000], [5, 8000], [6, 16000], [7, 8000], [8, 8000], [9, 8000], [10, 44100], [11, 44100],
  [12, 8000], [13, 8000], [14, 90000], [15, 8000], [16, 11025], [17, 22050], [18, 8000],
  [25, 90000], [26, 90000], [28, 90000], [31, 90000], [32, 90000], [33, 90000], [34, 90000],
]);

const RTP_HEADER_LENGTH = 12;
const RTP_VERSION = 2;
const RTP_SEQUENCE_OFFSET = 2;
const RTP_SSRC_OFFSET = 8;
const RTP_SEQUENCE_MODULO = 0x10000;
/** RFC 3550 Appendix A.1: a forward jump up to MAX_DROPOUT is loss, a step back up to MAX_MISORDER is reordering. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const RTP_CONFIRMATIONS = 3;

const TS_PACKET_LENGTH = 188;
const TS_SYNC_BYTE = 0x47;
const TS_NULL_PID = 0x1fff;
const TS_CONTINUITY_MODULO = 16;
const ADAPTATION_FIELD_PRESENT = 0x2;
const PAYLOAD_PRESENT = 0x1;
/** Adaptation field flags byte: discontinuity_indicator (§2.4.3.5) allows the counter to restart. */
const DISCONTINUITY_INDICATOR = 0x80;

/** Every 188-byte slot of the datagram starts with the sync byte. */
export function isMpegTs(payload: Uint8Array): boolean {
  if (payload.length === 0 || payload.length % TS_PACKET_LENGTH !== 0) return false;
  for (let at = 0; at < payload.length; at += TS_PACKET_LENGTH) if (payload[at] !== TS_SYNC_BYTE) return false;
  return true;
}

function looksLikeRtp(payload: Uint8Array): boolean {
  if (payload.length < RTP_HEADER_LENGTH || payload[0]! >> 6 !== RTP_VERSION) return false;
  const csrcCount = payload[0]! & 0x0f;
  return payload.length >= RTP_HEADER_LENGTH + 4 * csrcCount;
}

const readSequence = (payload: Uint8Array) => readUint16(payload, RTP_SEQUENCE_OFFSET);
const readSsrc = (payload: Uint8Array) => readUint32(payload, RTP_SSRC_OFFSET);
const RTP_TIMESTAMP_OFFSET = 4;
const RTP_TIMESTAMP_MODULO = 2 ** 32;
const rtpHeaderLength = (payload: Uint8Array) => RTP_HEADER_LENGTH + 4 * (payload[0]! & 0x0f);

/** One flow's numbering, fed the UDP payload of each of its packets in arrival order. */
export class SequenceGapDetector implements SequenceGapCounts {
  format: PayloadFormat | null = null;
  gaps = 0;
  lost = 0;
  reordered = 0;
  duplicates = 0;
  mediaLost = 0;
  /** MPEG-TS (plain or in RTP): continuity-counter errors per PID. */
  readonly continuityErrors = new Map<number, number>();
  /** RTP: the payload type's clock rate (Hz), null when it is not a static type. */
  clockRate: number | null = null;
  /** RTP: the interarrival jitter estimate, in timestamp units (RFC 3550 A.8). */
  private jitterUnits = 0;
  /** RTP: the previous packet's relative transit time, in timestamp units (null before the first). */
  private lastTransit: number | null = null;
  /** RTP: SSRC and highest sequence number seen (-1 before the first). */
  private ssrc = -1;
  private highestSequence = -1;
  private rtpCandidates = 0;
  /** RTP: whether its payload is MPEG-TS. */
  private carriesTs = false;
  /** MPEG-TS: last continuity counter per PID. */
  private readonly continuity = new Map<number, number>();

  /** `time`: the packet's arrival (packet time, seconds), for the jitter. */
  observe(payload: Uint8Array, time = 0): void {
    if (this.format === 'rtp') this.observeRtp(payload, time);
    else if (this.format === 'mpeg-ts') this.mediaLost += this.observeTs(payload, 0, true);
    else this.detect(payload);
  }

  /** RTP interarrival jitter in milliseconds; null before two packets or for a payload type of unknown clock. */
  get jitterMs(): number | null {
    if (this.clockRate === null || this.lastTransit === null) return null;
    return (this.jitterUnits / this.clockRate) * 1000;
  }

  private detect(payload: Uint8Array): void {
    if (isMpegTs(payload)) {
      this.format = 'mpeg-ts';
      this.observeTs(payload, 0, true);
      return;
    }
    if (!looksLikeRtp(payload)) {
      this.rtpCandidates = 0;
      return;
    }
    const sequence = readSequence(payload);
    const ssrc = readSsrc(payload);
    const forward = (sequence - this.highestSequence + RTP_SEQUENCE_MODULO) % RTP_SEQUENCE_MODULO;
    const consistent = this.rtpCandidates > 0 && ssrc === this.ssrc && forward > 0 && forward < MAX_DROPOUT;
    this.rtpCandidates = consistent ? this.rtpCandidates + 1 : 1;
    this.ssrc = ssrc;
    this.highestSequence = sequence;
    if (this.rtpCandidates >= RTP_CONFIRMATIONS) {
      this.format = 'rtp';
      this.clockRate = STATIC_CLOCK_RATES.get(payload[1]! & 0x7f) ?? null;
      this.carriesTs = isMpegTs(payload.subarray(rtpHeaderLength(payload)));
    }
  }

  /** RFC 3550 Appendix A.1, without probation (detection already confirmed the source). */
  private observeRtp(payload: Uint8Array, time: number): void {
    if (!looksLikeRtp(payload)) return;
    const sequence = readSequence(payload);
    const ssrc = readSsrc(payload);
    if (this.carriesTs) this.mediaLost += this.observeTs(payload, rtpHeaderLength(payload), false);
    if (ssrc !== this.ssrc) {
      // A new synchronization source (a restarted sender): its numbering and timing start afresh.
      this.ssrc = ssrc;
      this.highestSequence = sequence;
      this.lastTransit = null;
      return;
    }
    const delta = (sequence - this.highestSequence + RTP_SEQUENCE_MODULO) % RTP_SEQUENCE_MODULO;
    if (delta === 0) {
      this.duplicates++;
      return;
    }
    if (delta >= RTP_SEQUENCE_MODULO - MAX_MISORDER) {
      this.reordered++;
      return;
    }
    if (delta > 1 && delta < MAX_DROPOUT) {
      this.gaps++;
      this.lost += delta - 1;
      if (!this.carriesTs) this.mediaLost += delta - 1;
    }
    // A jump of MAX_DROPOUT or more is a sequence restart, not loss (RFC 3550 A.1 "bad_seq").
    this.highestSequence = sequence;
    this.updateJitter(payload, time);
  }

  /** RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time between two packets in sequence. */
  private updateJitter(payload: Uint8Array, time: number): void {
    if (this.clockRate === null) return;
    const transit = (time * this.clockRate - readUint32(payload, RTP_TIMESTAMP_OFFSET)) % RTP_TIMESTAMP_MODULO;
    if (this.lastTransit !== null) {
      let difference = Math.abs(transit - this.lastTransit);
      if (difference > RTP_TIMESTAMP_MODULO / 2) difference = RTP_TIMESTAMP_MODULO - difference;
      this.jitterUnits += (difference - this.jitterUnits) / 16;
    }
    this.lastTransit = transit;
  }

  /**
   * ISO/IEC 13818-1 §2.4.3.3: the counter steps by one per packet with payload, per PID. Returns
   * the TS packets missing; `countsAsLoss`: the TS numbering is the flow's own (not RTP's).
   */
  private observeTs(payload: Uint8Array, offset: number, countsAsLoss: boolean): number {
    let missing = 0;
    for (let at = offset; at + TS_PACKET_LENGTH <= payload.length; at += TS_PACKET_LENGTH) {
      if (payload[at] !== TS_SYNC_BYTE) continue;
      const pid = ((payload[at + 1]! & 0x1f) << 8) | payload[at + 2]!;
      if (pid === TS_NULL_PID) continue;
      const control = payload[at + 3]!;
      const adaptationFieldControl = (control >> 4) & 0x3;
      const counter = control & 0x0f;
      const previous = this.continuity.get(pid);
      this.continuity.set(pid, counter);
      if (previous === undefined) continue;
      const hasAdaptation = (adaptationFieldControl & ADAPTATION_FIELD_PRESENT) !== 0;
      if (hasAdaptation && payload[at + 4]! > 0 && (payload[at + 5]! & DISCONTINUITY_INDICATOR) !== 0) continue;
      // Without payload the counter does not move; with payload, one repeat of a packet is allowed.
      if ((adaptationFieldControl & PAYLOAD_PRESENT) === 0 || counter === previous) continue;
      const step = (counter - previous + TS_CONTINUITY_MODULO) % TS_CONTINUITY_MODULO;
      if (step > 1) {
        this.continuityErrors.set(pid, (this.continuityErrors.get(pid) ?? 0) + 1);
        missing += step - 1;
        if (countsAsLoss) {
          this.gaps++;
          this.lost += step - 1;
        }
      }
    }
    return missing;
  }
}
