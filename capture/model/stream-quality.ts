/**
 * How well a flow is delivered on a link, from what arrives there: its numbering (loss,
 * reordering, duplicates, jitter, MPEG-TS continuity per PID: sequence-gaps.ts) and its timing.
 *
 * Timing, per second of packet time:
 *   - Media Delivery Index (RFC 4445 §4): DF, the Delay Factor, is the spread of a virtual buffer
 *     filled by the arriving bytes and drained at the media rate, in milliseconds of that rate:
 *     the buffer a receiver needs to absorb the jitter of the delivery. MLR, the Media Loss Rate,
 *     is media packets lost per second. The media rate is the flow's own rate over the previous
 *     second (a passive observer has no nominal rate); the first second has no DF.
 *   - Bursts as Wireshark's UDP multicast streams statistics count them: the most packets seen in
 *     any BURST_WINDOW, and the largest the virtual buffer grew (bytes) at the drain rate above.
 */
import { SequenceGapDetector, type PayloadFormat } from './sequence-gaps.js';

/** Wireshark's default burst interval: 100 ms. */
export const BURST_WINDOW = 0.1;
/** Gaps less than this many seconds apart are one loss episode. */
export const LOSS_EPISODE_GAP = 10;

/** One complete second of a flow's delivery. */
export interface QualitySecond {
  second: number;
  packets: number;
  bytes: number;
  /** RFC 4445 Delay Factor, ms; null without a previous second's rate to drain at. */
  delayFactorMs: number | null;
  /** RFC 4445 Media Loss Rate: media packets lost in the second. */
  mediaLossRate: number;
}

export interface StreamQualitySnapshot {
  payloadFormat: PayloadFormat | null;
  sequenceGaps: number;
  lostPackets: number;
  reordered: number;
  duplicates: number;
  /** RTP interarrival jitter (RFC 3550 §6.4.1), ms; null without RTP of a known clock. */
  jitterMs: number | null;
  /** MPEG-TS continuity-counter errors per PID, by PID. */
  continuityErrors: { pid: number; errors: number }[];
  /** The last complete second. */
  last: QualitySecond | null;
  maxDelayFactorMs: number | null;
  maxMediaLossRate: number;
  /** Most packets in any BURST_WINDOW. */
  maxBurst: number;
  /** Largest virtual buffer at the previous second's rate, bytes. */
  maxBufferBytes: number;
  /** The latest loss episode: its first and its latest gap (packet time); null before any loss. */
  lossEpisode: { from: number; to: number } | null;
}

/** A complete second of a numbered (RTP / MPEG-TS) flow, as StreamQuality tells it when it closes. */
export interface MediaSecond extends QualitySecond {
  format: PayloadFormat;
  /** Packets missing from the numbering so far. */
  lostPackets: number;
  jitterMs: number | null;
}

export class StreamQuality {
  readonly numbering = new SequenceGapDetector();
  /** Arrival times within the last BURST_WINDOW (a queue: `burstStart` is its head). */
  private readonly burst: number[] = [];
  private burstStart = 0;
  private maxBurst = 0;
  /** The second being counted. */
  private second = -Infinity;
  private packets = 0;
  private bytes = 0;
  private lostAtSecondStart = 0;
  /** Bytes per second to drain at: the previous second's rate (null before one). */
  private drainRate: number | null = null;
  /** Virtual buffer over the second: bytes in minus bytes drained since its start, before and after each packet. */
  private bufferMin = 0;
  private bufferMax = 0;
  private maxBufferBytes = 0;
  private last: QualitySecond | null = null;
  private maxDelayFactorMs: number | null = null;
  private maxMediaLossRate = 0;
  private lossEpisode: { from: number; to: number } | null = null;

  /** The second `observe` or `snapshot` just closed, once the flow is known to be RTP or MPEG-TS (the store keeps them): see takeCompleted. */
  private completed: MediaSecond | null = null;

  /** The media second the last `observe` or `snapshot` closed, if any (then cleared). */
  takeCompleted(): MediaSecond | null {
    const completed = this.completed;
    this.completed = null;
    return completed;
  }

  /** A packet of `length` bytes at `time`; `payload`: its UDP payload, if whole. */
  observe(time: number, length: number, payload: Uint8Array | null): void {
    const second = Math.floor(time);
    if (second > this.second) this.startSecond(second);
    if (payload !== null) {
      const lostBefore = this.numbering.mediaLost;
      this.numbering.observe(payload, time);
      if (this.numbering.mediaLost > lostBefore) this.noteLoss(time);
    }
    this.countBurst(time);
    if (this.drainRate !== null) {
      const before = this.bytes - this.drainRate * (time - second);
      const after = before + length;
      if (before < this.bufferMin) this.bufferMin = before;
      if (after > this.bufferMax) this.bufferMax = after;
      if (after - this.bufferMin > this.maxBufferBytes) this.maxBufferBytes = after - this.bufferMin;
    }
    this.packets++;
    this.bytes += length;
  }

  snapshot(now: number): StreamQualitySnapshot {
    // A second is complete once packet time has left it, even if no packet came after it.
    if (Math.floor(now) > this.second && this.packets > 0) this.startSecond(Math.floor(now));
    const numbering = this.numbering;
    return {
      payloadFormat: numbering.format, sequenceGaps: numbering.gaps, lostPackets: numbering.lost, reordered: numbering.reordered,
      duplicates: numbering.duplicates, jitterMs: numbering.jitterMs === null ? null : round(numbering.jitterMs),
      continuityErrors: [...numbering.continuityErrors].map(([pid, errors]) => ({ pid, errors })).sort((a, b) => a.pid - b.pid),
      last: this.last, maxDelayFactorMs: this.maxDelayFactorMs, maxMediaLossRate: this.maxMediaLossRate,
      maxBurst: this.maxBurst, maxBufferBytes: Math.round(this.maxBufferBytes),
      lossEpisode: this.lossEpisode === null ? null : { ...this.lossEpisode },
    };
  }

  private noteLoss(time: number): void {
    if (this.lossEpisode === null || time - this.lossEpisode.to > LOSS_EPISODE_GAP) this.lossEpisode = { from: time, to: time };
    else this.lossEpisode.to = time;
  }

  private countBurst(time: number): void {
    this.burst.push(time);
    while (this.burst[this.burstStart]! <= time - BURST_WINDOW) this.burstStart++;
    const inWindow = this.burst.length - this.burstStart;
    if (inWindow > this.maxBurst) this.maxBurst = inWindow;
    if (this.burstStart > 1024 && this.burstStart * 2 > this.burst.length) {
      this.burst.splice(0, this.burstStart);
      this.burstStart = 0;
    }
  }

  /** Closes the second being counted (RFC 4445 §4.1: DF = (VB max − VB min) / media rate) and starts `second`. */
  private startSecond(second: number): void {
    if (this.packets > 0) {
      const lost = this.numbering.mediaLost - this.lostAtSecondStart;
      const delayFactorMs = this.drainRate === null || this.drainRate === 0 ? null : round(((this.bufferMax - this.bufferMin) / this.drainRate) * 1000);
      const done: QualitySecond = { second: this.second, packets: this.packets, bytes: this.bytes, delayFactorMs, mediaLossRate: lost };
      this.last = done;
      const format = this.numbering.format;
      if (format !== null) {
        this.completed = { ...done, format, lostPackets: this.numbering.lost, jitterMs: this.numbering.jitterMs === null ? null : round(this.numbering.jitterMs) };
      }
      if (delayFactorMs !== null && (this.maxDelayFactorMs === null || delayFactorMs > this.maxDelayFactorMs)) this.maxDelayFactorMs = delayFactorMs;
      if (lost > this.maxMediaLossRate) this.maxMediaLossRate = lost;
      // The next second drains at this one's rate, only if it follows on directly (a silence resets it).
      this.drainRate = second === this.second + 1 ? this.bytes : null;
    } else {
      this.drainRate = null;
    }
    this.second = second;
    this.packets = 0;
    this.bytes = 0;
    this.bufferMin = 0;
    this.bufferMax = 0;
    this.lostAtSecondStart = this.numbering.mediaLost;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
