import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PimState } from '../../../../capture/model/pim/index.js';
import { changesOf, hello, joinPrune, kinds, observe, sg, sgRpt, starG, type HelloFields } from './observe.js';

const LAN = 'lan0';
const UPSTREAM = '10.0.0.1';
const B = '10.0.0.2';
const C = '10.0.0.3';
const RP = '10.9.9.9';
const SOURCE = '192.0.2.10';
const GROUP = '239.1.1.1';

/** A LAN with the upstream router and two downstream routers, all heard from at time 0. */
function lanOfThree(fields: HelloFields = { holdtime: 0xffff }): PimState {
  const state = new PimState();
  for (const router of [UPSTREAM, B, C]) state.onMessage(observe(0, LAN, router, hello(fields)));
  return state;
}

function rows(state: PimState, now: number) {
  return state.snapshot(now).joins.map((row) => `${row.from} ${row.type} ${row.source ?? '*'} ${row.state}`);
}

describe('Join/Prune state (RFC 7761 §4.5)', () => {
  it('holds a (*,G) Join for the message holdtime, refreshes it silently, expires it at its own time', () => {
    const state = lanOfThree();
    const joined = state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)] })));
    assert.deepEqual(kinds(joined), ['join', 'rp-learned']);
    assert.deepEqual(joined[0]!.detail, { from: B, upstream: UPSTREAM, type: '*,G', source: null, group: GROUP, rp: RP, holdtime: 210 });
    assert.equal(joined[0]!.link, LAN);
    assert.deepEqual(joined[1]!.detail, { rp: RP, groupPrefix: `${GROUP}/32`, learnedFrom: 'join', priority: null });

    assert.deepEqual(state.onMessage(observe(61, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)] }))), []);
    const [row] = state.snapshot(61).joins;
    assert.deepEqual(row, {
      link: LAN, from: B, upstream: UPSTREAM, type: '*,G', source: null, group: GROUP, rp: RP, state: 'join',
      holdtime: 210, since: 1, pruneEffectiveAt: null, expiresAt: 271,
    });

    const expired = state.advance(1000);
    assert.deepEqual(kinds(expired), ['join-expired', 'rp-expired']);
    assert.equal(expired[0]!.time, 271);
    assert.deepEqual(state.snapshot(1000).joins, []);
  });

  it('ends the state an upstream router held when it says goodbye (§4.3.1)', () => {
    const state = lanOfThree();
    state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sg(SOURCE)] })));
    state.onMessage(observe(1, LAN, B, joinPrune(C, 210, { group: GROUP, joins: [sg('192.0.2.99')] })));
    const changes = state.onMessage(observe(5, LAN, UPSTREAM, hello({ holdtime: 0 })));
    const ended = changesOf(changes, 'join-expired');
    assert.deepEqual(ended.map((change) => [change.detail.upstream, change.detail.reason]), [[UPSTREAM, 'upstream-down']]);
    assert.deepEqual(rows(state, 5), [`${B} S,G 192.0.2.99 join`]);
  });

  it('keeps a Join with holdtime 0xffff forever', () => {
    const state = lanOfThree();
    state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 0xffff, { group: GROUP, joins: [sg(SOURCE)] })));
    assert.deepEqual(changesOf(state.advance(1e9), 'join-expired'), []);
    assert.equal(state.snapshot(1e9).joins[0]!.expiresAt, null);
  });

  it('lets a Join from another router within the override interval override a Prune (§4.3.3, §4.5.3)', () => {
    const state = lanOfThree();
    state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sg(SOURCE)] })));
    state.onMessage(observe(2, LAN, C, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sg(SOURCE)] })));

    const pruned = state.onMessage(observe(10, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, prunes: [sg(SOURCE)] })));
    assert.deepEqual(kinds(pruned), ['prune']);
    assert.equal(changesOf(pruned, 'prune')[0]!.detail.effectiveAt, 13, 'default J/P_Override_Interval: 0.5 s + 2.5 s');
    assert.deepEqual(rows(state, 10), [`${B} S,G ${SOURCE} prune-pending`, `${C} S,G ${SOURCE} join`]);

    const override = state.onMessage(observe(11.5, LAN, C, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sg(SOURCE)] })));
    assert.deepEqual(kinds(override), ['prune-overridden']);
    assert.deepEqual(override[0]!.detail, { from: B, upstream: UPSTREAM, type: 'S,G', source: SOURCE, group: GROUP, overriddenBy: C });
    assert.deepEqual(state.advance(20), []);
    assert.deepEqual(rows(state, 20), [`${C} S,G ${SOURCE} join`]);
  });

  it('makes a Prune nobody overrides effective after the override interval, ending the entry\'s Joins', () => {
    const state = lanOfThree();
    state.onMessage(observe(1, LAN, C, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)] })));
    state.onMessage(observe(10, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, prunes: [starG(RP)] })));
    assert.deepEqual(state.advance(12.9), []);
    const effective = state.advance(20);
    assert.deepEqual(kinds(effective), ['pruned']);
    assert.equal(effective[0]!.time, 13);
    assert.deepEqual(effective[0]!.detail, { from: B, upstream: UPSTREAM, type: '*,G', source: null, group: GROUP, removedJoins: [C] });
    assert.deepEqual(rows(state, 20), [`${B} *,G * pruned`]);
    assert.equal(state.snapshot(20).joins[0]!.expiresAt, 220, 'a pruned row is kept for the Prune\'s holdtime');
    const gone = state.advance(300);
    assert.deepEqual(gone.map((change) => [change.time, change.kind]), [[211, 'rp-expired'], [220, 'prune-expired']],
      'the RP learned from C\'s Join lasts its holdtime; each expiry at its own time');
  });

  it('takes the override interval from the LAN Prune Delay options when all neighbors send them', () => {
    const state = lanOfThree({ holdtime: 0xffff, lanPruneDelay: { propagationDelayMs: 1000, overrideIntervalMs: 4000 } });
    const pruned = changesOf(state.onMessage(observe(10, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, prunes: [sg(SOURCE)] }))), 'prune');
    assert.equal(pruned[0]!.detail.effectiveAt, 15);
    assert.equal(state.snapshot(10).joins[0]!.pruneEffectiveAt, 15);
  });

  it('makes a Prune effective at once when the pruner is the upstream\'s only neighbor (§4.5.2)', () => {
    const state = new PimState();
    state.onMessage(observe(0, 'p2p', UPSTREAM, hello()));
    state.onMessage(observe(0, 'p2p', B, hello()));
    const changes = state.onMessage(observe(5, 'p2p', B, joinPrune(UPSTREAM, 210, { group: GROUP, prunes: [sg(SOURCE)] })));
    assert.deepEqual(kinds(changes), ['prune', 'pruned']);
    assert.equal(state.snapshot(5).joins[0]!.state, 'pruned');
  });

  it('prunes S off the shared tree with (S,G,rpt) and keeps it pruned through periodic messages (§4.5.4)', () => {
    const state = lanOfThree();
    const message = joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)], prunes: [sgRpt(SOURCE)] });
    assert.deepEqual(kinds(state.onMessage(observe(1, LAN, B, message))), ['join', 'rp-learned', 'prune']);
    assert.deepEqual(kinds(state.advance(10)), ['pruned']);
    assert.deepEqual(rows(state, 10), [`${B} *,G * join`, `${B} S,G,rpt ${SOURCE} pruned`]);

    assert.deepEqual(state.onMessage(observe(61, LAN, B, message)), [], 'the periodic message changes nothing');
    assert.equal(state.snapshot(61).joins[1]!.expiresAt, 271);
  });

  it('ends (S,G,rpt) Prune state that a (*,G) Join does not repeat (§4.5.4 end of message)', () => {
    const state = lanOfThree();
    const other = '192.0.2.20';
    state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)], prunes: [sgRpt(SOURCE), sgRpt(other)] })));
    state.advance(10);
    const changes = state.onMessage(observe(20, LAN, C, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)], prunes: [sgRpt(other)] })));
    const overridden = changesOf(changes, 'prune-overridden');
    assert.deepEqual(overridden.map((change) => [change.detail.from, change.detail.source, change.detail.overriddenBy]), [[B, SOURCE, C]]);
    assert.deepEqual(rows(state, 20), [
      `${B} *,G * join`, `${C} *,G * join`, `${B} S,G,rpt ${other} pruned`, `${C} S,G,rpt ${other} pruned`,
    ]);
  });

  it('ends (S,G,rpt) Prune state on a Join(S,G,rpt)', () => {
    const state = lanOfThree();
    state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [starG(RP)], prunes: [sgRpt(SOURCE)] })));
    state.advance(10);
    const changes = state.onMessage(observe(30, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sgRpt(SOURCE)] })));
    assert.deepEqual(kinds(changes), ['prune-overridden']);
    assert.deepEqual(rows(state, 30), [`${B} *,G * join`]);
  });

  it('keeps one row per downstream router, upstream and entry, over several groups and IPv6', () => {
    const state = new PimState();
    state.onMessage(observe(1, LAN, 'fe80::2', joinPrune('fe80::1', 210,
      { group: 'ff3e::8000:1', joins: [sg('2001:db8::10')] }, { group: 'ff0e::1', joins: [starG('2001:db8::99')] })));
    const joins = state.snapshot(1).joins;
    assert.deepEqual(joins.map((row) => [row.group, row.type, row.source, row.rp, row.upstream]), [
      ['ff0e::1', '*,G', null, '2001:db8::99', 'fe80::1'],
      ['ff3e::8000:1', 'S,G', '2001:db8::10', null, 'fe80::1'],
    ]);
  });

  it('records rows beyond maxJoinStates as limit-exceeded', () => {
    const state = new PimState({ maxJoinStates: 1 });
    const changes = state.onMessage(observe(1, LAN, B, joinPrune(UPSTREAM, 210, { group: GROUP, joins: [sg(SOURCE), sg('192.0.2.11')] })));
    assert.deepEqual(kinds(changes), ['join', 'limit-exceeded']);
    assert.deepEqual(changes[1]!.detail, { limit: 'maxJoinStates', max: 1, dropped: `(192.0.2.11,${GROUP}) from ${B} to ${UPSTREAM}` });
    assert.equal(state.snapshot(1).joins.length, 1);
  });
});
