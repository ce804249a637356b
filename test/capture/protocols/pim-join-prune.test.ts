import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePim, type JoinPruneSource, type PimJoinPrune } from '../../../capture/protocols/pim.js';
import { encodePim, IPV6_ENDS, type EncodedPim, type SourceInput } from '../../helpers/encode-pim.js';

function decodeJoinPrune({ bytes, ip }: EncodedPim): PimJoinPrune {
  const result = decodePim(bytes, ip);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.ok(['pim.join-prune', 'pim.graft', 'pim.graft-ack'].includes(result.value.kind));
  return result.value as PimJoinPrune;
}

function expectedSource(input: SourceInput, entryType: JoinPruneSource['entryType']): JoinPruneSource {
  return {
    family: input.address.includes(':') ? 6 : 4,
    address: input.address,
    maskLength: input.maskLength ?? (input.address.includes(':') ? 128 : 32),
    sparse: input.sparse ?? false,
    wildcard: input.wildcard ?? false,
    rpt: input.rpt ?? false,
    entryType,
  };
}

test('join/prune with many groups, both lists, every valid S/W/R combination', () => {
  const starG = { address: '10.9.9.9', sparse: true, wildcard: true, rpt: true };
  const sgRpt = { address: '10.1.1.1', sparse: true, rpt: true };
  const sg = { address: '10.1.1.2', sparse: true };
  const denseSg = { address: '10.1.1.3', maskLength: 24 };
  const groups = [
    { group: { address: '239.1.1.1' }, joinedSources: [starG], prunedSources: [sgRpt] },
    { group: { address: '232.1.1.1' }, joinedSources: [sg, denseSg], prunedSources: [] },
    { group: { address: '239.2.0.0', maskLength: 16 }, joinedSources: [], prunedSources: [sg, starG] },
    { group: { address: '239.3.3.3' }, joinedSources: [], prunedSources: [] },
  ];
  const message = decodeJoinPrune(encodePim({ kind: 'pim.join-prune', upstreamNeighbor: '10.0.0.2', holdtime: 210, groups }));
  assert.deepEqual(message, {
    kind: 'pim.join-prune',
    checksum: 'good',
    upstreamNeighbor: { family: 4, address: '10.0.0.2' },
    holdtime: 210,
    groups: [
      {
        group: { family: 4, address: '239.1.1.1', maskLength: 32, bidirectional: false, adminScopeZone: false },
        joinedSources: [expectedSource(starG, '*,G')],
        prunedSources: [expectedSource(sgRpt, 'S,G,rpt')],
      },
      {
        group: { family: 4, address: '232.1.1.1', maskLength: 32, bidirectional: false, adminScopeZone: false },
        joinedSources: [expectedSource(sg, 'S,G'), expectedSource(denseSg, 'S,G')],
        prunedSources: [],
      },
      {
        group: { family: 4, address: '239.2.0.0', maskLength: 16, bidirectional: false, adminScopeZone: false },
        joinedSources: [],
        prunedSources: [expectedSource(sg, 'S,G'), expectedSource(starG, '*,G')],
      },
      {
        group: { family: 4, address: '239.3.3.3', maskLength: 32, bidirectional: false, adminScopeZone: false },
        joinedSources: [],
        prunedSources: [],
      },
    ],
    trailingBytes: 0,
  });
});

test('join/prune with 255 groups and a group with 300 joined sources', () => {
  const groups = Array.from({ length: 255 }, (_, i) => ({
    group: { address: `239.0.${i >> 8}.${i & 0xff}` },
    joinedSources: i === 7 ? Array.from({ length: 300 }, (_, s) => ({ address: `10.0.${s >> 8}.${s & 0xff}`, sparse: true })) : [],
    prunedSources: [{ address: '10.255.0.1', sparse: true, rpt: true }],
  }));
  const message = decodeJoinPrune(encodePim({ kind: 'pim.join-prune', upstreamNeighbor: '10.0.0.2', holdtime: 0xffff, groups }));
  assert.equal(message.groups.length, 255);
  assert.equal(message.groups[7]!.joinedSources.length, 300);
  assert.equal(message.groups[7]!.joinedSources[299]!.address, '10.0.1.43');
  assert.equal(message.groups[254]!.group.address, '239.0.0.254');
  assert.ok(message.groups.every((g) => g.prunedSources[0]!.entryType === 'S,G,rpt'));
});

test('every S/W/R flag combination: W without R is a bad-value error, the others classify', () => {
  for (let flags = 0; flags < 8; flags++) {
    const source = { address: '10.1.1.1', sparse: (flags & 4) !== 0, wildcard: (flags & 2) !== 0, rpt: (flags & 1) !== 0 };
    const { bytes, ip } = encodePim({
      kind: 'pim.join-prune', upstreamNeighbor: '10.0.0.2', holdtime: 210,
      groups: [{ group: { address: '239.1.1.1' }, joinedSources: [source], prunedSources: [] }],
    });
    const result = decodePim(bytes, ip);
    if (source.wildcard && !source.rpt) {
      // header 4 + neighbor 6 + 4 + group 8 + counts 4 = the source at 26, its flags at 28
      assert.deepEqual(!result.ok && [result.error.code, result.error.offset], ['bad-value', 28], `flags ${flags}`);
      continue;
    }
    assert.ok(result.ok, `flags ${flags}`);
    const decoded = (result.value as PimJoinPrune).groups[0]!.joinedSources[0]!;
    assert.deepEqual(decoded, expectedSource(source, source.wildcard ? '*,G' : source.rpt ? 'S,G,rpt' : 'S,G'));
  }
});

test('IPv6 join/prune: IPv6 neighbor, group and sources, pseudo-header checksum', () => {
  const message = decodeJoinPrune(encodePim({
    kind: 'pim.join-prune', upstreamNeighbor: 'fe80::2', holdtime: 210,
    groups: [{
      group: { address: 'ff3e::1234' },
      joinedSources: [{ address: '2001:db8::10', sparse: true }, { address: '2001:db8::99', sparse: true, wildcard: true, rpt: true }],
      prunedSources: [{ address: '2001:db8::11', sparse: true, rpt: true, maskLength: 64 }],
    }],
  }, IPV6_ENDS));
  assert.equal(message.checksum, 'good');
  assert.deepEqual(message.upstreamNeighbor, { family: 6, address: 'fe80::2' });
  assert.deepEqual(message.groups[0]!.group, { family: 6, address: 'ff3e::1234', maskLength: 128, bidirectional: false, adminScopeZone: false });
  assert.deepEqual(message.groups[0]!.joinedSources.map((s) => [s.address, s.entryType]), [['2001:db8::10', 'S,G'], ['2001:db8::99', '*,G']]);
  assert.deepEqual(message.groups[0]!.prunedSources[0], expectedSource({ address: '2001:db8::11', sparse: true, rpt: true, maskLength: 64 }, 'S,G,rpt'));
});

test('graft and graft-ack share the join/prune format under their own kinds', () => {
  const groups = [{ group: { address: '239.5.5.5' }, joinedSources: [{ address: '10.5.5.5' }], prunedSources: [] }];
  for (const kind of ['pim.graft', 'pim.graft-ack'] as const) {
    const message = decodeJoinPrune(encodePim({ kind, upstreamNeighbor: '10.0.0.9', holdtime: 0, groups }));
    assert.equal(message.kind, kind);
    assert.equal(message.groups[0]!.joinedSources[0]!.entryType, 'S,G');
  }
});

test('a graft or graft-ack with only its header is whole: no upstream neighbor, no groups', () => {
  for (const pimType of [6, 7]) {
    const { bytes, ip } = encodePim({ kind: 'raw', pimType, body: [] });
    const result = decodePim(bytes, ip);
    assert.ok(result.ok);
    assert.deepEqual(result.value, { kind: pimType === 6 ? 'pim.graft' : 'pim.graft-ack', checksum: 'good', upstreamNeighbor: null, holdtime: 0, groups: [], trailingBytes: 0 });
  }
  const { bytes, ip } = encodePim({ kind: 'raw', pimType: 3, body: [] });
  assert.equal(decodePim(bytes, ip).ok, false, 'a Join/Prune needs its upstream neighbor');
});

test('counts beyond the entries present are truncated; fewer leave trailing bytes', () => {
  const { bytes } = encodePim({
    kind: 'pim.join-prune', upstreamNeighbor: '10.0.0.2', holdtime: 210,
    groups: [{ group: { address: '239.1.1.1' }, joinedSources: [{ address: '10.1.1.1', sparse: true }], prunedSources: [] }],
  });
  const body = bytes.subarray(4);
  const withBody = (edit: (b: Uint8Array) => void) => {
    const copy = body.slice();
    edit(copy);
    const encoded = encodePim({ kind: 'raw', pimType: 3, body: copy });
    return decodePim(encoded.bytes, encoded.ip);
  };
  const moreGroups = withBody((b) => { b[7] = 2; });
  assert.deepEqual(!moreGroups.ok && moreGroups.error.code, 'truncated');
  // Fewer entries counted than present: what is counted is whole, the rest is a note of trailing bytes.
  const fewerGroups = withBody((b) => { b[7] = 0; });
  assert.deepEqual(fewerGroups.ok && fewerGroups.value.kind === 'pim.join-prune' && [fewerGroups.value.groups.length, fewerGroups.value.trailingBytes], [0, bytes.length - 14]);
  const morePruned = withBody((b) => { b[21] = 1; });
  assert.deepEqual(!morePruned.ok && morePruned.error.code, 'truncated');
  const fewerJoined = withBody((b) => { b[19] = 0; });
  assert.deepEqual(fewerJoined.ok && fewerJoined.value.kind === 'pim.join-prune' && fewerJoined.value.trailingBytes, bytes.length - 26);
});
