import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { electDesignatedRouter, joinPruneOverrideInterval, PimState, prunePendingTime } from '../../../../capture/model/pim/index.js';
import type { Neighbor } from '../../../../capture/model/pim/neighbors.js';
import { changesOf, hello, kinds, observe } from './observe.js';

const LAN = 'lan0';

describe('PIM neighbors (RFC 7761 §4.3.1)', () => {
  it('brings a neighbor up, refreshes it silently and expires it after its holdtime', () => {
    const state = new PimState();
    const up = state.onMessage(observe(100, LAN, '10.0.0.1', hello({ holdtime: 105, drPriority: 1, generationId: 7 })));
    assert.deepEqual(kinds(up), ['neighbor-up', 'dr-changed']);
    assert.deepEqual(up[0]!.detail, { address: '10.0.0.1', holdtime: 105, drPriority: 1, generationId: 7 });

    assert.deepEqual(state.onMessage(observe(130, LAN, '10.0.0.1', hello({ holdtime: 105, drPriority: 1, generationId: 7 }))), []);
    const [link] = state.snapshot(130).links;
    assert.equal(link!.neighbors[0]!.expiresAt, 235);
    assert.equal(link!.neighbors[0]!.since, 100);
    assert.equal(link!.neighbors[0]!.lastHelloAt, 130);

    assert.deepEqual(state.advance(234.9), []);
    const down = state.advance(300);
    assert.deepEqual(kinds(down), ['neighbor-down', 'dr-changed']);
    assert.equal(down[0]!.time, 235, 'expired at its own time, not at the advance time');
    assert.deepEqual(down[0]!.detail, { address: '10.0.0.1', reason: 'holdtime-expired' });
    assert.deepEqual(down[1]!.detail, { from: '10.0.0.1', to: null });
  });

  it('uses Default_Hello_Holdtime (105 s) for a Hello without a Holdtime option, and 0xffff as forever', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.1', hello()));
    state.onMessage(observe(0, LAN, '10.0.0.2', hello({ holdtime: 0xffff })));
    const neighbors = state.snapshot(0).links[0]!.neighbors;
    assert.equal(neighbors[0]!.expiresAt, 105);
    assert.equal(neighbors[1]!.expiresAt, null);
    assert.deepEqual(kinds(state.advance(1e9)), ['neighbor-down'], 'only 10.0.0.1 expires; 10.0.0.2 stays DR');
  });

  it('treats Holdtime 0 as goodbye: the neighbor is removed at once', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.1', hello({ holdtime: 105 })));
    state.onMessage(observe(0, LAN, '10.0.0.2', hello({ holdtime: 105 })));
    const goodbye = state.onMessage(observe(10, LAN, '10.0.0.2', hello({ holdtime: 0 })));
    assert.deepEqual(kinds(goodbye), ['neighbor-down', 'dr-changed']);
    assert.deepEqual(goodbye[0]!.detail, { address: '10.0.0.2', reason: 'goodbye' });
    assert.deepEqual(goodbye[1]!.detail, { from: '10.0.0.2', to: '10.0.0.1' });
    assert.deepEqual(state.onMessage(observe(11, LAN, '10.0.0.3', hello({ holdtime: 0 }))), [], 'goodbye from a stranger');
  });

  it('reports a new Generation ID as a restart', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.1', hello({ holdtime: 105, generationId: 1 })));
    const restart = changesOf(state.onMessage(observe(20, LAN, '10.0.0.1', hello({ holdtime: 105, generationId: 2 }))), 'neighbor-restart');
    assert.equal(restart.length, 1);
    assert.deepEqual(restart[0]!.detail, { address: '10.0.0.1', previousGenerationId: 1, generationId: 2 });
    assert.equal(state.snapshot(20).links[0]!.neighbors[0]!.since, 20);
  });

  it('keeps links apart and reports the Hello options', () => {
    const state = new PimState();
    state.onMessage(observe(0, 'b', '10.0.1.1', hello({ holdtime: 105, lanPruneDelay: { propagationDelayMs: 500, overrideIntervalMs: 2500 } })));
    state.onMessage(observe(0, 'a', 'fe80::1', hello({ holdtime: 105 })));
    const snapshot = state.snapshot(0);
    assert.deepEqual(snapshot.links.map((link) => link.link), ['a', 'b']);
    assert.deepEqual(snapshot.links[1]!.neighbors[0]!.lanPruneDelay, { trackingSupport: false, propagationDelayMs: 500, overrideIntervalMs: 2500 });
    assert.equal(snapshot.links[0]!.dr, 'fe80::1');
  });

  it('elects a DR per address family on a dual-stack link', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.1', hello({ drPriority: 1 })));
    state.onMessage(observe(0, LAN, 'fe80::9', hello({ drPriority: 1 })));
    assert.deepEqual(state.snapshot(0).links.map((link) => [link.link, link.family, link.dr]), [[LAN, 4, '10.0.0.1'], [LAN, 6, 'fe80::9']]);
  });

  it('records a neighbor beyond maxNeighborsPerLink as limit-exceeded', () => {
    const state = new PimState({ maxNeighborsPerLink: 1 });
    state.onMessage(observe(0, LAN, '10.0.0.1', hello()));
    const changes = state.onMessage(observe(1, LAN, '10.0.0.2', hello()));
    assert.deepEqual(kinds(changes), ['limit-exceeded']);
    assert.deepEqual(changes[0]!.detail, { limit: 'maxNeighborsPerLink', max: 1, dropped: 'neighbor 10.0.0.2' });
    assert.equal(state.snapshot(1).links[0]!.neighbors.length, 1);
  });
});

describe('DR election (RFC 7761 §4.3.2)', () => {
  it('elects the highest DR priority, then the highest address', () => {
    assert.equal(electDesignatedRouter([
      { address: '10.0.0.9', drPriority: 1 }, { address: '10.0.0.2', drPriority: 5 }, { address: '10.0.0.10', drPriority: 5 },
    ]), '10.0.0.10', 'numeric, not text, address order');
  });

  it('ignores priorities when one router does not advertise DR Priority', () => {
    assert.equal(electDesignatedRouter([
      { address: '10.0.0.1', drPriority: 100 }, { address: '10.0.0.3', drPriority: null }, { address: '10.0.0.2', drPriority: 1 },
    ]), '10.0.0.3');
    assert.equal(electDesignatedRouter([]), null);
  });

  it('follows the link as priorities and neighbors change', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.1', hello({ holdtime: 105, drPriority: 10 })));
    const second = changesOf(state.onMessage(observe(1, LAN, '10.0.0.2', hello({ holdtime: 105, drPriority: 1 }))), 'dr-changed');
    assert.deepEqual(second, [], '10.0.0.1 keeps it on priority');
    const noPriority = changesOf(state.onMessage(observe(2, LAN, '10.0.0.3', hello({ holdtime: 30 }))), 'dr-changed');
    assert.deepEqual(noPriority.map((change) => change.detail), [{ from: '10.0.0.1', to: '10.0.0.3' }], 'address only');
    const expired = changesOf(state.advance(40), 'dr-changed');
    assert.deepEqual(expired.map((change) => [change.time, change.detail.to]), [[32, '10.0.0.1']]);
    assert.equal(state.snapshot(40).links[0]!.dr, '10.0.0.1');
  });
});

describe('J/P_Override_Interval (RFC 7761 §4.3.3)', () => {
  const defaults = { propagationDelay: 0.5, overrideInterval: 2.5 };
  const neighbor = (address: string, lanPruneDelay: Neighbor['lanPruneDelay']): Neighbor => ({
    link: LAN, address, mac: null, holdtime: 105, deadline: 105, drPriority: null, generationId: null,
    secondaryAddresses: [], lanPruneDelay, since: 0, lastHelloAt: 0,
  });
  const delay = (propagationDelayMs: number, overrideIntervalMs: number) => ({ trackingSupport: false, propagationDelayMs, overrideIntervalMs });

  it('is the largest propagation delay plus the largest override interval when every neighbor sends the option', () => {
    const neighbors = [neighbor('10.0.0.1', delay(500, 2500)), neighbor('10.0.0.2', delay(1000, 2000)), neighbor('10.0.0.3', delay(100, 4000))];
    assert.equal(joinPruneOverrideInterval(neighbors, '10.0.0.9', defaults), 5);
    assert.equal(joinPruneOverrideInterval(neighbors, '10.0.0.3', defaults), 3.5, 'the upstream does not count itself');
  });

  it('falls back to the defaults (0.5 s + 2.5 s) when a neighbor lacks the option', () => {
    const neighbors = [neighbor('10.0.0.1', delay(5000, 5000)), neighbor('10.0.0.2', null)];
    assert.equal(joinPruneOverrideInterval(neighbors, '10.0.0.9', defaults), 3);
  });

  it('is 0 for the Prune-Pending Timer when the pruner is the upstream\'s only neighbor (§4.5.2)', () => {
    const two = new Map([['10.0.0.1', neighbor('10.0.0.1', null)], ['10.0.0.2', neighbor('10.0.0.2', null)]]);
    assert.equal(prunePendingTime(two, '10.0.0.2', '10.0.0.1', defaults), 0);
    assert.equal(prunePendingTime(undefined, '10.0.0.2', '10.0.0.1', defaults), 3, 'no Hello seen: neighbors unknown');
  });
});
