/** Delivery quality per flow: RTP jitter (RFC 3550 A.8), TS continuity per PID, MDI (RFC 4445), Wireshark-style bursts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceGapDetector } from '../../../capture/model/sequence-gaps.js';
import { StreamQuality } from '../../../capture/model/stream-quality.js';
import { rtp, ts } from '../../helpers/encode-media.js';

const T0 = 1_764_057_600;
/** 30 packets a second, RTP timestamps 3000 apart on the 90 kHz clock of payload type 33. */
const PERIOD = 1 / 30;

describe('RTP interarrival jitter (RFC 3550 §6.4.1, A.8)', () => {
  it('is zero for packets that arrive as they were stamped, and follows J += (|D| - J)/16 when one is late', () => {
    const detector = new SequenceGapDetector();
    for (let n = 0; n < 10; n++) detector.observe(rtp(n), T0 + n * PERIOD);
    assert.ok(Math.abs(detector.jitterMs!) < 1e-3, `${detector.jitterMs}`);
    detector.observe(rtp(10), T0 + 10 * PERIOD + 0.010); // 10 ms late: D = 10 ms
    assert.ok(Math.abs(detector.jitterMs! - 10 / 16) < 1e-3, `${detector.jitterMs}`);
    detector.observe(rtp(11), T0 + 11 * PERIOD); // on time again: D = 10 ms back
    assert.ok(Math.abs(detector.jitterMs! - (10 / 16 + (10 - 10 / 16) / 16)) < 1e-3, `${detector.jitterMs}`);
  });

  it('is unknown for a dynamic payload type, whose clock only the signalling gives', () => {
    const detector = new SequenceGapDetector();
    for (let n = 0; n < 10; n++) detector.observe(rtp(n, 7, 20, { payloadType: 96 }), T0 + n * PERIOD);
    assert.equal(detector.format, 'rtp');
    assert.equal(detector.jitterMs, null);
  });
});

describe('MPEG-TS carried in RTP', () => {
  it('checks the continuity counters per PID and counts missing TS packets as media loss, the RTP numbering as datagram loss', () => {
    const detector = new SequenceGapDetector();
    const counters = [0, 1, 2, 3, 4, 6, 7, 8]; // PID 0x100 skips 5; PID 0x101 is continuous
    counters.forEach((counter, n) => detector.observe(rtp(n, 1, 0, { body: ts({ pid: 0x100, counter }, { pid: 0x101, counter: n }) }), T0 + n * PERIOD));
    detector.observe(rtp(9, 1, 0, { body: ts({ pid: 0x100, counter: 10 }, { pid: 0x101, counter: 9 }) }), T0 + 9 * PERIOD); // datagram 8 lost
    assert.equal(detector.format, 'rtp');
    assert.deepEqual([detector.gaps, detector.lost], [1, 1], 'one datagram missing in the RTP numbering');
    assert.deepEqual([...detector.continuityErrors], [[0x100, 2], [0x101, 1]]);
    assert.equal(detector.mediaLost, 3, 'TS packets missing: 0x100 lost counters 5 and 9, 0x101 lost 8');
  });
});

describe('Media Delivery Index (RFC 4445) and bursts', () => {
  const deliver = (times: number[], length = 1000, payload: (index: number) => Uint8Array | null = () => null) => {
    const quality = new StreamQuality();
    times.forEach((time, index) => quality.observe(time, length, payload(index)));
    return quality;
  };

  it('paced delivery: DF is one packet time at the media rate, bursts stay one packet per 100 ms', () => {
    const times = Array.from({ length: 30 }, (_, n) => T0 + n * 0.1 + 0.05); // 10 pps of 1000 bytes for 3 s
    const snapshot = deliver(times).snapshot(T0 + 3);
    assert.equal(snapshot.last?.second, T0 + 2);
    assert.ok(Math.abs(snapshot.last!.delayFactorMs! - 100) < 1, `DF ${snapshot.last!.delayFactorMs} ms: one 1000-byte packet at 10 000 bytes/s`);
    assert.equal(snapshot.maxBurst, 1);
    assert.ok(Math.abs(snapshot.maxBufferBytes - 1000) < 5, `${snapshot.maxBufferBytes}`);
  });

  it('a second delivered in one burst: DF is the whole second, the burst and the buffer show it', () => {
    const paced = Array.from({ length: 10 }, (_, n) => T0 + n * 0.1 + 0.05);
    const burst = Array.from({ length: 10 }, (_, n) => T0 + 1 + 0.2 + n * 0.001);
    const snapshot = deliver([...paced, ...burst]).snapshot(T0 + 2);
    assert.equal(snapshot.last?.second, T0 + 1);
    assert.ok(snapshot.last!.delayFactorMs! > 900, `DF ${snapshot.last!.delayFactorMs} ms`);
    assert.equal(snapshot.maxBurst, 10);
    assert.ok(snapshot.maxBufferBytes > 9000, `${snapshot.maxBufferBytes}`);
    assert.equal(snapshot.maxDelayFactorMs, snapshot.last!.delayFactorMs);
  });

  it('MLR counts the media packets lost in each second; the first second has no rate to drain at', () => {
    const sequences = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
      30, 31, 34, 35, 36, 37, 40, 41]; // 32, 33, 38, 39 lost in the second second
    const times = sequences.map((sequence) => T0 + sequence * PERIOD);
    const quality = deliver(times, 200, (index) => rtp(sequences[index]!, 5, 0, { payloadType: 0 }));
    const snapshot = quality.snapshot(T0 + 2);
    assert.equal(snapshot.last?.mediaLossRate, 4);
    assert.equal(snapshot.maxMediaLossRate, 4);
    assert.deepEqual([snapshot.payloadFormat, snapshot.lostPackets, snapshot.sequenceGaps], ['rtp', 4, 2]);
    assert.deepEqual(snapshot.lossEpisode, { from: times[32], to: times[36] }, 'the loss episode: from the first gap seen to the latest');
    assert.equal(deliver(times.slice(0, 20)).snapshot(T0 + 1).last?.delayFactorMs, null);
  });
});
