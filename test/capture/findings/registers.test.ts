/**
 * pim.register-not-stopped judged on the register state the model holds: what the wire suggests
 * (no Register-Stop from an RP nobody sees, an RP with receivers that never joins the source, a
 * Register-Stop the DR ignores), and nothing while the RP still has time to answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registersNotStopped } from '../../../capture/findings/pim.js';
import type { RouterNames } from '../../../capture/findings/forwarding.js';
import type { JoinState, NetworkSnapshot, RegisterState } from '../../../shapes/snapshot.js';

const T0 = 1_764_057_600;
const RP = '10.255.0.2';
const register = (fields: Partial<RegisterState> = {}): RegisterState => ({
  source: '10.0.1.10', group: '239.1.1.1', dr: '10.0.1.1', rp: RP, state: 'registering', since: T0, lastRegisterAt: T0 + 29.5,
  lastNullRegisterAt: null, registerStopAt: null, suppressedUntil: null, observedSuppressionTime: null, ...fields,
});
const join = (type: JoinState['type'], source: string | null): JoinState => ({
  link: 'r2-r4', from: '10.0.24.4', upstream: '10.0.24.2', type, source, group: '239.1.1.1', rp: type === '*,G' ? RP : null, state: 'join', expiresAt: T0 + 200,
});
const snapshotOf = (registers: RegisterState[], joins: JoinState[] = []) => ({ registers, joins }) as unknown as NetworkSnapshot;
const names = (known: string[]): RouterNames => ({ of: (address) => (known.includes(address) ? address : null), name: (address) => address });

test('a DR registering for 30 s with no Register-Stop from an RP no router answers for: the RP is unreachable or no RP', () => {
  const [finding, ...rest] = registersNotStopped(T0 + 30, snapshotOf([register()]), names([]));
  assert.equal(rest.length, 0);
  assert.deepEqual([finding!.kind, finding!.severity, finding!.group, finding!.source, finding!.router, finding!.since], ['pim.register-not-stopped', 'error', '239.1.1.1', '10.0.1.10', '10.0.1.1', T0]);
  assert.match(finding!.explanation, /unreachable/);
});

test('an RP seen on the wire, with no receivers, that answers no Register is not configured as RP', () => {
  const [finding] = registersNotStopped(T0 + 30, snapshotOf([register()]), names([RP]));
  assert.match(finding!.explanation, /not configured as RP/);
});

test('an RP with receivers that never joins the source keeps decapsulating: a warning', () => {
  const [finding] = registersNotStopped(T0 + 30, snapshotOf([register()], [join('*,G', null)]), names([RP]));
  assert.equal(finding!.severity, 'warning');
  assert.match(finding!.explanation, /never joined \(10\.0\.1\.10, 239\.1\.1\.1\)/);
});

test('a Register-Stop the DR goes on past is named with its time', () => {
  const [finding] = registersNotStopped(T0 + 30, snapshotOf([register({ registerStopAt: T0 + 2 })], [join('*,G', null), join('S,G', '10.0.1.10')]), names([RP]));
  assert.match(finding!.explanation, /a Register-Stop came from 10\.255\.0\.2 at .*yet the DR goes on/);
});

test('nothing while the RP has time to answer, once the DR stopped registering, or once Registers are suppressed', () => {
  assert.deepEqual(registersNotStopped(T0 + 10, snapshotOf([register({ lastRegisterAt: T0 + 9.5 })]), names([])), []);
  assert.deepEqual(registersNotStopped(T0 + 60, snapshotOf([register()]), names([])), [], 'no Register for 30 s: the data stopped');
  assert.deepEqual(registersNotStopped(T0 + 30, snapshotOf([register({ state: 'suppressed' })]), names([])), []);
});
