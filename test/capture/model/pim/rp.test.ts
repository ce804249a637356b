import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressBytes } from '../../../../capture/addresses.js';
import { hashDigest, isPreferredBsr, PimState, rpHashValue } from '../../../../capture/model/pim/index.js';
import type { BootstrapGroupInput, PimInput } from '../../../helpers/encode-pim.js';
import { changesOf, joinPrune, kinds, observe, starG } from './observe.js';

const LINK = 'core0';
const ALL = { address: '224.0.0.0', maskLength: 4 };

function bootstrap(bsrAddress: string, bsrPriority: number, groups: BootstrapGroupInput[], hashMaskLength = 30): PimInput {
  return { kind: 'pim.bootstrap', fragmentTag: 1, hashMaskLength, bsrPriority, bsrAddress, groups };
}

function rpRows(state: PimState, now: number) {
  return state.snapshot(now).rps.map((row) => `${row.learnedFrom} ${row.rp} ${row.groupPrefix} ${row.priority} ${row.expiresAt}`);
}

/** The RFC 7761 §4.7.2 formula in exact integer arithmetic, as written. */
function hashByFormula(group: bigint, rp: bigint): number {
  return Number((1103515245n * ((1103515245n * group + 12345n) ^ rp) + 12345n) % 2n ** 31n);
}

describe('RP hash (RFC 7761 §4.7.2)', () => {
  it('matches a value worked out by hand from the formula', () => {
    // G = 239.1.1.1, M = /30 → G & M = 239.1.1.0 = 0xef010100; C = 10.0.0.1 = 0x0a000001.
    assert.equal(rpHashValue(addressBytes('239.1.1.1')!, 30, addressBytes('10.0.0.1')!), 1679372561);
    assert.equal(hashByFormula(0xef010100n, 0x0a000001n), 1679372561);
  });

  it('agrees with the exact formula over many groups, masks and RPs', () => {
    for (let index = 0; index < 200; index++) {
      const group = ((index * 2654435761) | 0xe0000000) >>> 0;
      const rp = (index * 40503 + 0x0a000001) >>> 0;
      const maskLength = index % 33;
      const mask = maskLength === 0 ? 0 : (0xffffffff << (32 - maskLength)) >>> 0;
      const groupBytes = Uint8Array.of(group >>> 24, (group >>> 16) & 0xff, (group >>> 8) & 0xff, group & 0xff);
      const rpBytes = Uint8Array.of(rp >>> 24, (rp >>> 16) & 0xff, (rp >>> 8) & 0xff, rp & 0xff);
      assert.equal(rpHashValue(groupBytes, maskLength, rpBytes), hashByFormula(BigInt((group & mask) >>> 0), BigInt(rp)));
    }
  });

  it('folds IPv6 addresses to 32 bits by XOR of their words, after masking the group', () => {
    assert.equal(hashDigest(addressBytes('2001:db8::1')!), 0x20010db9);
    // ff0e::1:2 masked to /126 is ff0e::1:0 → 0xff0e0000 ^ 0x00010000.
    assert.equal(rpHashValue(addressBytes('ff0e::1:2')!, 126, addressBytes('2001:db8::1')!), hashByFormula(0xff0f0000n, 0x20010db9n));
    assert.equal(rpHashValue(addressBytes('ff0e::1:2')!, 126, addressBytes('2001:db8::1')!), 1485922233);
  });
});

describe('BSR and RP-set (RFC 5059)', () => {
  it('elects the BSR by priority then address and ignores Bootstraps from a less preferred one', () => {
    assert.equal(isPreferredBsr({ address: '10.0.0.1', priority: 10 }, { address: '10.0.0.9', priority: 5 }), true);
    assert.equal(isPreferredBsr({ address: '10.0.0.10', priority: 5 }, { address: '10.0.0.9', priority: 5 }), true);

    const state = new PimState();
    const first = state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rps: [{ address: '10.255.0.3', holdtime: 150, priority: 0 }, { address: '10.255.0.4', holdtime: 150, priority: 0 }] },
    ])));
    assert.deepEqual(kinds(first), ['bsr-elected', 'rp-learned', 'rp-learned']);
    assert.deepEqual(first[0]!.detail, { address: '10.255.0.1', priority: 64, previous: null });
    assert.deepEqual([first[0]!.link, first[0]!.group, first[0]!.source], [null, null, null], 'BSR state is domain-wide');
    assert.deepEqual(state.snapshot(0).bsrs, [{ address: '10.255.0.1', priority: 64, hashMaskLength: 30, since: 0, expiresAt: 130 }]);
    assert.deepEqual(rpRows(state, 0), ['bsr 10.255.0.3 224.0.0.0/4 0 150', 'bsr 10.255.0.4 224.0.0.0/4 0 150']);

    const worse = bootstrap('10.255.0.2', 10, [{ group: ALL, rps: [{ address: '10.255.0.9', holdtime: 150, priority: 0 }] }]);
    assert.deepEqual(state.onMessage(observe(5, LINK, '10.0.0.2', worse)), []);

    const better = state.onMessage(observe(10, LINK, '10.0.0.2', bootstrap('10.255.0.5', 64, [
      { group: ALL, rps: [{ address: '10.255.0.3', holdtime: 150, priority: 0 }] },
    ])));
    assert.deepEqual(better.map((change) => [change.kind, change.detail]), [
      ['bsr-elected', { address: '10.255.0.5', priority: 64, previous: '10.255.0.1' }],
      ['rp-expired', { rp: '10.255.0.4', groupPrefix: '224.0.0.0/4', learnedFrom: 'bsr', priority: 0, reason: 'withdrawn' }],
    ], 'a complete range replaces its RP list');
    assert.deepEqual(rpRows(state, 10), ['bsr 10.255.0.3 224.0.0.0/4 0 160']);
  });

  it('forgets the BSR after BS_Timeout and each RP after its holdtime', () => {
    const state = new PimState();
    state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rps: [{ address: '10.255.0.3', holdtime: 150, priority: 0 }] },
    ])));
    assert.deepEqual(state.advance(500).map((change) => [change.time, change.kind]), [[130, 'bsr-expired'], [150, 'rp-expired']]);
    assert.deepEqual(state.snapshot(500).bsrs, []);
  });

  it('accumulates RPs of a range spread over fragments, and withdraws an RP sent with holdtime 0', () => {
    const state = new PimState();
    state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rpCount: 2, rps: [{ address: '10.255.0.3', holdtime: 150, priority: 0 }] },
    ])));
    state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rpCount: 2, rps: [{ address: '10.255.0.4', holdtime: 150, priority: 0 }] },
    ])));
    assert.equal(state.snapshot(0).rps.length, 2);
    const withdrawn = state.onMessage(observe(1, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rpCount: 2, rps: [{ address: '10.255.0.4', holdtime: 0, priority: 0 }] },
    ])));
    assert.deepEqual(changesOf(withdrawn, 'rp-expired').map((change) => change.detail.rp), ['10.255.0.4']);
  });

  it('learns RPs from C-RP-Advertisements: no prefix means every group; holdtime 0 withdraws', () => {
    const state = new PimState();
    const advertised = state.onMessage(observe(0, LINK, '10.255.0.3',
      { kind: 'pim.c-rp-adv', priority: 5, holdtime: 150, rpAddress: '10.255.0.3', groups: [] }, '10.255.0.1'));
    assert.deepEqual(advertised.map((change) => change.detail), [{ rp: '10.255.0.3', groupPrefix: '224.0.0.0/4', learnedFrom: 'c-rp-adv', priority: 5 }]);
    state.onMessage(observe(1, LINK, '10.255.0.3',
      { kind: 'pim.c-rp-adv', priority: 5, holdtime: 150, rpAddress: 'fd00::3', groups: [{ address: 'ff3e::', maskLength: 16 }] }, '10.255.0.1'));
    assert.deepEqual(rpRows(state, 1), ['c-rp-adv 10.255.0.3 224.0.0.0/4 5 150', 'c-rp-adv fd00::3 ff3e::/16 5 151']);
    const withdrawn = state.onMessage(observe(2, LINK, '10.255.0.3',
      { kind: 'pim.c-rp-adv', priority: 5, holdtime: 0, rpAddress: '10.255.0.3', groups: [] }, '10.255.0.1'));
    assert.deepEqual(kinds(withdrawn), ['rp-expired']);
  });
});

describe('Group-to-RP mapping', () => {
  function withRpSet(groups: BootstrapGroupInput[]): PimState {
    const state = new PimState();
    state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, groups)));
    return state;
  }

  it('hashes between RPs of equal priority, the highest value winning', () => {
    const state = withRpSet([{ group: ALL, rps: [{ address: '10.0.0.2', holdtime: 150, priority: 0 }, { address: '10.0.0.1', holdtime: 150, priority: 0 }] }]);
    // Value(239.1.1.0, 10.0.0.1) = 1679372561 > Value(239.1.1.0, 10.0.0.2) = 694951000.
    assert.equal(hashByFormula(0xef010100n, 0x0a000002n), 694951000);
    assert.deepEqual(state.rpForGroup('239.1.1.1'), { rp: '10.0.0.1', groupPrefix: '224.0.0.0/4', learnedFrom: 'bsr', priority: 0, hash: 1679372561 });
  });

  it('prefers the longest matching range, then the lower priority value', () => {
    const state = withRpSet([
      { group: ALL, rps: [{ address: '10.0.0.1', holdtime: 150, priority: 0 }] },
      { group: { address: '239.0.0.0', maskLength: 8 }, rps: [{ address: '10.0.0.2', holdtime: 150, priority: 9 }, { address: '10.0.0.3', holdtime: 150, priority: 1 }] },
    ]);
    assert.equal(state.rpForGroup('239.1.1.1')?.rp, '10.0.0.3');
    assert.equal(state.rpForGroup('239.1.1.1')?.hash, null);
    assert.equal(state.rpForGroup('225.1.1.1')?.rp, '10.0.0.1');
    assert.equal(state.rpForGroup('ff0e::1'), null);
  });

  it('answers from the live BSR\'s RP-set alone: a group it does not cover has no RP', () => {
    const state = withRpSet([{ group: { address: '239.0.0.0', maskLength: 8 }, rps: [{ address: '10.0.0.1', holdtime: 150, priority: 0 }] }]);
    state.onMessage(observe(1, LINK, '10.0.0.2', joinPrune('10.0.0.1', 210, { group: '225.1.1.1', joins: [starG('10.255.0.7')] })));
    assert.equal(state.rpForGroup('239.1.1.1')?.rp, '10.0.0.1');
    assert.equal(state.rpForGroup('225.1.1.1'), null, 'the Join named 10.255.0.7, but the BSR maps 225/8 to no RP');
    state.advance(140);
    assert.equal(state.rpForGroup('225.1.1.1')?.rp, '10.255.0.7', 'the BSR timed out (130 s): the Join\'s RP counts again');
  });

  it('falls back to what Registers and (*,G) Joins named', () => {
    const state = new PimState();
    state.onMessage(observe(0, LINK, '10.0.0.2', joinPrune('10.0.0.1', 210, { group: '239.1.1.1', joins: [starG('10.255.0.7')] })));
    assert.deepEqual(state.rpForGroup('239.1.1.1'), { rp: '10.255.0.7', groupPrefix: '239.1.1.1/32', learnedFrom: 'join', priority: null, hash: null });
    assert.equal(state.isRpAddress('10.255.0.7', '239.1.1.1', 0), true);
    assert.equal(state.isRpAddress('10.255.0.7', '239.1.1.2', 0), false);
    assert.equal(state.isRpAddress('10.0.0.2', '239.1.1.1', 0), false);
  });

  it('records RPs beyond maxRps as limit-exceeded', () => {
    const state = new PimState({ maxRps: 1 });
    const changes = state.onMessage(observe(0, LINK, '10.0.0.2', bootstrap('10.255.0.1', 64, [
      { group: ALL, rps: [{ address: '10.0.0.1', holdtime: 150, priority: 0 }, { address: '10.0.0.2', holdtime: 150, priority: 0 }] },
    ])));
    assert.deepEqual(kinds(changes), ['bsr-elected', 'rp-learned', 'limit-exceeded']);
  });
});
