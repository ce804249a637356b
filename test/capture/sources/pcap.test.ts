import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodePcapFileHeader, encodePcapRecord, type PcapFormat } from '../../../capture/sources/pcap-writer.js';
import { payload, readAll, TempDir } from './reader-fixtures.js';

describe('classic pcap', () => {
  let dir: TempDir;
  before(async () => { dir = await TempDir.create(); });
  after(() => dir.remove());

  const formats: [string, PcapFormat][] = [
    ['little-endian µs', { littleEndian: true, nanosecond: false }],
    ['big-endian µs', { littleEndian: false, nanosecond: false }],
    ['little-endian ns', { littleEndian: true, nanosecond: true }],
    ['big-endian ns', { littleEndian: false, nanosecond: true }],
  ];
  for (const [label, format] of formats) {
    it(`reads ${label} files`, async () => {
      const frames = [
        { seconds: 1_700_000_000, nanos: 123_456_789, data: payload(60, 1) },
        { seconds: 1_700_000_001, nanos: 999_999_999, data: payload(42, 2), originalLength: 1500 },
      ];
      const path = await dir.write(`lan1-${label.replace(/\W/g, '')}.pcap`,
        encodePcapFileHeader(1, format, 65535), ...frames.map((frame) => encodePcapRecord(frame, format)));
      const { frames: read, reader } = await readAll(path);
      assert.deepEqual(reader.problems, []);
      assert.equal(reader.info.format, 'pcap');
      assert.deepEqual(reader.info.interfaces, [{
        section: 0, id: 0, name: `lan1-${label.replace(/\W/g, '')}`, linkType: 1, snaplen: 65535,
        tsResolution: format.nanosecond ? '1e-9' : '1e-6', fcsLength: 0,
      }]);
      const truncate = (nanos: number) => (format.nanosecond ? nanos : Math.floor(nanos / 1000) * 1000);
      assert.deepEqual(read.map((f) => [f.number, f.seconds, f.nanos, f.originalLength, f.linkType]), [
        [1, 1_700_000_000, truncate(123_456_789), 60, 1],
        [2, 1_700_000_001, truncate(999_999_999), 1500, 1],
      ]);
      assert.deepEqual(read[1]!.data, payload(42, 2));
    });
  }

  it('masks the FCS bits off the link type and records the FCS length', async () => {
    const fcsField = 1 | 0x04000000 | (2 << 28);
    const format = { littleEndian: true, nanosecond: false };
    const path = await dir.write('fcs.pcap', encodePcapFileHeader(fcsField, format), encodePcapRecord({ seconds: 1, nanos: 0, data: payload(64) }, format));
    const { frames, reader } = await readAll(path);
    assert.equal(frames[0]!.linkType, 1);
    assert.equal(reader.info.interfaces[0]!.linkType, 1);
    assert.equal(reader.info.interfaces[0]!.fcsLength, 4);
  });

  it('names the link after the file, or the override', async () => {
    const format = { littleEndian: true, nanosecond: true };
    const path = await dir.write('core.uplink.pcap', encodePcapFileHeader(113, format), encodePcapRecord({ seconds: 1, nanos: 0, data: payload(20) }, format));
    assert.equal((await readAll(path)).frames[0]!.link, 'core.uplink');
    assert.equal((await readAll(path, { linkName: 'eth7' })).frames[0]!.link, 'eth7');
  });

  it('carries a microsecond field of a second or more into the seconds', async () => {
    const format = { littleEndian: true, nanosecond: false };
    const record = encodePcapRecord({ seconds: 10, nanos: 0, data: payload(4) }, format);
    new DataView(record.buffer).setUint32(4, 2_500_000, true);
    const { frames } = await readAll(await dir.write('carry.pcap', encodePcapFileHeader(1, format), record));
    assert.deepEqual([frames[0]!.seconds, frames[0]!.nanos], [12, 500_000_000]);
  });

  it('stops at a record with an impossible captured length, keeping the frames before', async () => {
    const format = { littleEndian: true, nanosecond: false };
    const good = encodePcapRecord({ seconds: 1, nanos: 0, data: payload(10) }, format);
    const bad = encodePcapRecord({ seconds: 2, nanos: 0, data: payload(10) }, format);
    new DataView(bad.buffer).setUint32(8, 0x41414141, true);
    const { frames, reader } = await readAll(await dir.write('bad-length.pcap', encodePcapFileHeader(1, format), good, bad, good));
    assert.equal(frames.length, 1);
    assert.equal(reader.problems.length, 1);
    assert.equal(reader.problems[0]!.offset, 24 + good.length);
    assert.equal(reader.problems[0]!.fatal, true);
    assert.match(reader.problems[0]!.reason, /impossible captured length/);
  });
});
