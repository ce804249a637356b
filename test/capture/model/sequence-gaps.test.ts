import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../../capture/decode.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import { isMpegTs, SequenceGapDetector } from '../../../capture/model/sequence-gaps.js';
import { ethernetFrame, frameOf } from '../../helpers/encode-frame.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../../helpers/encode-ip.js';
import { rtp, ts } from '../../helpers/encode-media.js';

function feed(payloads: Uint8Array[]): SequenceGapDetector {
  const detector = new SequenceGapDetector();
  for (const payload of payloads) detector.observe(payload);
  return detector;
}

const counts = (detector: SequenceGapDetector) => ({ format: detector.format, gaps: detector.gaps, lost: detector.lost, reordered: detector.reordered });

describe('RTP sequence numbers (RFC 3550)', () => {
  it('is recognized after three consistent packets, with no gap when nothing is missing', () => {
    assert.deepEqual(counts(feed([rtp(10), rtp(11)])), { format: null, gaps: 0, lost: 0, reordered: 0 });
    assert.deepEqual(counts(feed([10, 11, 12, 13, 14].map((n) => rtp(n)))), { format: 'rtp', gaps: 0, lost: 0, reordered: 0 });
  });

  it('counts each jump as a gap and the missing numbers as lost, across the 16-bit wrap', () => {
    const sequences = [65530, 65531, 65532, 65534, 65535, 2, 3, 4];
    assert.deepEqual(counts(feed(sequences.map((n) => rtp(n)))), { format: 'rtp', gaps: 2, lost: 3, reordered: 0 });
  });

  it('counts a late packet as reordered and a repeated one as a duplicate, neither as lost', () => {
    const detector = feed([1, 2, 3, 5, 4, 5, 6].map((n) => rtp(n)));
    assert.deepEqual(counts(detector), { format: 'rtp', gaps: 1, lost: 1, reordered: 1 });
    assert.equal(detector.duplicates, 1);
  });

  it('restarts on a new SSRC or a jump beyond MAX_DROPOUT without counting loss', () => {
    const payloads = [rtp(1), rtp(2), rtp(3), rtp(500, 0x99), rtp(501, 0x99), rtp(40_000, 0x99), rtp(40_001, 0x99)];
    assert.deepEqual(counts(feed(payloads)), { format: 'rtp', gaps: 0, lost: 0, reordered: 0 });
  });

  it('does not take arbitrary payloads for RTP', () => {
    const text = new TextEncoder().encode('mcast-lab seq=1 t=1700000000000 g=239.1.1.1\n');
    assert.equal(feed([text, text, text, text]).format, null);
    // Version 2 but a changing SSRC (random bytes): never three consistent in a row.
    assert.equal(feed([rtp(1, 1), rtp(2, 2), rtp(3, 3), rtp(4, 4)]).format, null);
  });
});

describe('MPEG-TS continuity counters (ISO/IEC 13818-1 §2.4.3.3)', () => {
  it('recognizes whole TS packets only', () => {
    assert.equal(isMpegTs(ts({ pid: 0x100, counter: 0 })), true);
    assert.equal(isMpegTs(ts({ pid: 0x100, counter: 0 }).subarray(0, 187)), false);
    assert.equal(isMpegTs(new Uint8Array(188)), false);
  });

  it('follows the counter per PID, modulo 16, and counts the missing packets', () => {
    const detector = feed([
      ts({ pid: 0x100, counter: 14 }, { pid: 0x101, counter: 3 }),
      ts({ pid: 0x100, counter: 15 }, { pid: 0x101, counter: 4 }),
      ts({ pid: 0x100, counter: 2 }, { pid: 0x101, counter: 5 }), // 0x100: 0 and 1 missing
      ts({ pid: 0x100, counter: 3 }, { pid: 0x101, counter: 9 }), // 0x101: 6, 7, 8 missing
    ]);
    assert.deepEqual(counts(detector), { format: 'mpeg-ts', gaps: 2, lost: 5, reordered: 0 });
  });

  it('allows a repeated packet, a packet without payload, a discontinuity and null packets', () => {
    const detector = feed([
      ts({ pid: 0x100, counter: 1 }, { pid: 0x1fff, counter: 9 }),
      ts({ pid: 0x100, counter: 1 }, { pid: 0x1fff, counter: 0 }), // repeat; null PID ignored
      ts({ pid: 0x100, counter: 1, control: 2 }), // adaptation only: the counter stays
      ts({ pid: 0x100, counter: 9, control: 3, discontinuity: true }),
      ts({ pid: 0x100, counter: 10 }),
    ]);
    assert.deepEqual(counts(detector), { format: 'mpeg-ts', gaps: 0, lost: 0, reordered: 0 });
  });
});

describe('flows carry their sequence gaps', () => {
  it('reports the format, gaps and lost packets per (S,G) per link', () => {
    const analyzer = new NetworkAnalyzer();
    const send = (number: number, payload: Uint8Array) => {
      const udp = encodeUdp('10.0.0.1', '239.1.1.1', 40000, 5004, payload);
      const ip = encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, ttl: 8, payload: udp });
      const data = ethernetFrame('01:00:5e:01:01:01', '02:00:00:00:00:01', 0x0800, ip);
      analyzer.onFrame(decodeFrame(frameOf(data, { number, time: 1_700_000_000 + number / 100 })));
    };
    [100, 101, 102, 103, 106, 107, 110].forEach((sequence, index) => send(index + 1, rtp(sequence)));
    const [flow] = analyzer.snapshot().flows;
    assert.ok(flow);
    assert.equal(flow.payloadFormat, 'rtp');
    assert.equal(flow.sequenceGaps, 2);
    assert.equal(flow.lostPackets, 4);
    assert.equal(flow.packets, 7);
  });
});
