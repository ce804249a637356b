import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PimState } from '../../../../capture/model/pim/index.js';
import { ipv4Packet, type PimInput } from '../../../helpers/encode-pim.js';
import { changesOf, kinds, observe } from './observe.js';

const LINK = 'core0';
const DR = '10.0.0.1';
const RP = '10.255.0.3';
const SOURCE = '192.0.2.10';
const GROUP = '239.1.1.1';

function register(source = SOURCE, nullRegister = false): PimInput {
  return { kind: 'pim.register', nullRegister, inner: ipv4Packet(source, GROUP, 17, nullRegister ? [] : [1, 2, 3, 4, 5, 6, 7, 8]) };
}

function registerStop(source = SOURCE): PimInput {
  return { kind: 'pim.register-stop', group: { address: GROUP }, source };
}

const fromDr = (time: number, message: PimInput) => observe(time, LINK, DR, message, RP);
const fromRp = (time: number, message: PimInput) => observe(time, LINK, RP, message, DR);

describe('Register state (RFC 7761 §4.4)', () => {
  it('starts on a data Register: the IP source is the DR, the destination the RP', () => {
    const state = new PimState();
    const started = state.onMessage(fromDr(1, register()));
    assert.deepEqual(kinds(started), ['register-started', 'rp-learned']);
    assert.deepEqual(started[0]!.detail, { source: SOURCE, group: GROUP, dr: DR, rp: RP });
    assert.deepEqual(started[1]!.detail, { rp: RP, groupPrefix: `${GROUP}/32`, learnedFrom: 'register', priority: null });
    assert.deepEqual(state.snapshot(1).registers, [{
      source: SOURCE, group: GROUP, dr: DR, rp: RP, state: 'registering', since: 1, lastRegisterAt: 1, lastNullRegisterAt: null,
      registerStopAt: null, suppressedUntil: null, observedSuppressionTime: null,
    }]);
  });

  it('suppresses on Register-Stop, ignoring repeats, and forgets a DR that does not probe by 1.5 × Register_Suppression_Time', () => {
    const state = new PimState();
    state.onMessage(fromDr(1, register()));
    const stopped = state.onMessage(fromRp(2, registerStop()));
    assert.deepEqual(kinds(stopped), ['register-stopped']);
    assert.deepEqual(stopped[0]!.detail, { source: SOURCE, group: GROUP, dr: DR, rp: RP, suppressedUntil: 92 });
    assert.deepEqual(state.onMessage(fromRp(2.2, registerStop())), [], '§4.4.1: Register-Stop in PRUNE state changes nothing');
    assert.equal(state.snapshot(10).registers[0]!.state, 'suppressed');

    const ended = state.advance(100);
    assert.deepEqual(ended.map((change) => [change.time, change.kind]), [[92, 'register-expired']]);
    assert.equal(changesOf(ended, 'register-expired')[0]!.detail.reason, 'no-probe');
    assert.deepEqual(state.snapshot(100).registers, []);
  });

  it('follows Null-Register probes and prefers the suppression time seen on the wire', () => {
    const state = new PimState();
    state.onMessage(fromDr(1, register()));
    state.onMessage(fromRp(2, registerStop()));
    const probe = state.onMessage(fromDr(40, register(SOURCE, true)));
    assert.deepEqual(kinds(probe), ['register-probe']);
    const [row] = state.snapshot(40).registers;
    assert.equal(row!.state, 'probing');
    assert.equal(row!.lastNullRegisterAt, 40);
    assert.equal(row!.observedSuppressionTime, 43, 'Register-Stop → Null-Register (38 s) + Register_Probe_Time (5 s)');

    const resumed = state.advance(50);
    assert.deepEqual(resumed.map((change) => [change.time, change.kind]), [[45, 'register-resumed']]);
    assert.equal(changesOf(resumed, 'register-resumed')[0]!.detail.reason, 'probe-unanswered');
    const again = changesOf(state.onMessage(fromRp(50, registerStop())), 'register-stopped');
    assert.equal(again[0]!.detail.suppressedUntil, 50 + 1.5 * 43, '1.5 × the observed 43 s, not 1.5 × the default 60 s');

    state.onMessage(fromDr(56, register(SOURCE, true)));
    state.onMessage(fromRp(56, registerStop()));
    assert.equal(state.snapshot(56).registers[0]!.observedSuppressionTime, 27, 'mean of the draws 43 s and 11 s');
    assert.equal(state.snapshot(56).registers[0]!.suppressedUntil, 56 + 43, 'never less than the longest draw (1.5 × 27 < 43)');
  });

  it('stops every source of G from that DR on a wildcard Register-Stop', () => {
    const state = new PimState();
    state.onMessage(fromDr(1, register(SOURCE)));
    state.onMessage(fromDr(1, register('192.0.2.11')));
    const stopped = changesOf(state.onMessage(fromRp(2, registerStop('0.0.0.0'))), 'register-stopped');
    assert.deepEqual(stopped.map((change) => change.detail.source), [SOURCE, '192.0.2.11']);
  });

  it('returns to registering on a data Register during suppression', () => {
    const state = new PimState();
    state.onMessage(fromDr(1, register()));
    state.onMessage(fromRp(2, registerStop()));
    const resumed = changesOf(state.onMessage(fromDr(3, register())), 'register-resumed');
    assert.deepEqual(resumed.map((change) => change.detail.reason), ['data-register']);
  });

  it('keeps the state for Keepalive_Period after the last of many data Registers', () => {
    const state = new PimState();
    for (let time = 1; time <= 100; time++) state.onMessage(fromDr(time, register()));
    assert.deepEqual(state.advance(309), []);
    assert.deepEqual(state.advance(1000).map((change) => [change.time, change.kind]), [[310, 'rp-expired'], [310, 'register-expired']]);
  });

  it('records registers beyond maxRegisters as limit-exceeded', () => {
    const state = new PimState({ maxRegisters: 1 });
    state.onMessage(fromDr(1, register(SOURCE)));
    assert.deepEqual(kinds(state.onMessage(fromDr(1, register('192.0.2.11')))), ['limit-exceeded']);
  });
});
