/**
 * The PIM findings judged on the model's changes and state (capture/findings/pim.ts): a restart, a DR
 * change after the election settled, a flapping Assert, Hellos whose holdtime runs out between them,
 * and RPs a BSR does not name. The data-plane MAC rules (forwarding.ts) are here too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PimFindings } from '../../../capture/findings/pim.js';
import { ForwardingFindings, type RouterNames } from '../../../capture/findings/forwarding.js';
import { FindingsTracker } from '../../../capture/findings/tracker.js';
import type { PimChange } from '../../../capture/model/pim/types.js';
import type { PimHello } from '../../../capture/protocols/pim/pim-hello.js';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import type { Finding } from '../../../shapes/findings.js';

const T0 = 1_764_057_600;
const names: RouterNames = { of: (address) => address, name: (address) => address };
const snapshot = (fields: Partial<NetworkSnapshot>) =>
  ({ links: [], joins: [], registers: [], rps: [], bsrs: [], flows: [], anomalies: [], trees: [], asserts: [], ...fields }) as unknown as NetworkSnapshot;
const change = (time: number, kind: PimChange['kind'], detail: object, link: string | null = 'lan'): PimChange =>
  ({ time, link, group: null, source: null, kind, detail }) as unknown as PimChange;
const kinds = (findings: Finding[], kind: string) => findings.filter((finding) => finding.kind === kind);

function run(feed: (pim: PimFindings, tracker: FindingsTracker) => void): Finding[] {
  const tracker = new FindingsTracker();
  feed(new PimFindings(tracker), tracker);
  return tracker.all();
}

test('a Generation ID change is pim.neighbor-restarted, a moment naming both IDs', () => {
  const findings = run((pim) => pim.onChange(change(T0 + 40, 'neighbor-restart', { address: '10.0.0.2', previousGenerationId: 7, generationId: 9 })));
  const [restarted] = kinds(findings, 'pim.neighbor-restarted');
  assert.deepEqual([restarted?.link, restarted?.router, restarted?.at, restarted?.until], ['lan', '10.0.0.2', T0 + 40, T0 + 40]);
  assert.match(restarted!.explanation, /7 → 9/);
});

test('a DR change after the election settled is pim.dr-changed; the election as routers come up is not', () => {
  const findings = run((pim) => {
    pim.onChange(change(T0, 'dr-changed', { from: null, to: '10.0.0.1' }));
    pim.onChange(change(T0 + 5, 'dr-changed', { from: '10.0.0.1', to: '10.0.0.2' })); // settling: a higher address came up
    pim.onChange(change(T0 + 100, 'dr-changed', { from: '10.0.0.2', to: '10.0.0.1' }));
  });
  assert.deepEqual(kinds(findings, 'pim.dr-changed').map((finding) => [finding.at, finding.detail.from, finding.detail.to]), [[T0 + 100, '10.0.0.2', '10.0.0.1']]);
});

test('an Assert winner changing three times within a minute is pim.assert-flapping; twice is not', () => {
  const assertChange = (time: number, previous: string, winner: string) =>
    change(time, 'assert-winner', { source: '10.1.0.10', group: '239.1.1.1', winner, previous, rpt: false, metricPreference: 110, metric: 10 });
  const twice = run((pim, tracker) => {
    pim.onChange(assertChange(T0, '10.0.0.1', '10.0.0.2'));
    pim.onChange(assertChange(T0 + 10, '10.0.0.2', '10.0.0.1'));
    tracker.holding(T0 + 11, pim.evaluate(T0 + 11, snapshot({}), names));
  });
  assert.deepEqual(kinds(twice, 'pim.assert-flapping'), []);
  const flapping = run((pim, tracker) => {
    pim.onChange(assertChange(T0, '10.0.0.1', '10.0.0.2'));
    pim.onChange(assertChange(T0 + 10, '10.0.0.2', '10.0.0.1'));
    pim.onChange(assertChange(T0 + 20, '10.0.0.1', '10.0.0.2'));
    tracker.holding(T0 + 21, pim.evaluate(T0 + 21, snapshot({}), names));
    tracker.holding(T0 + 90, pim.evaluate(T0 + 90, snapshot({}), names)); // quiet for a minute: it ends
  });
  const [flap] = kinds(flapping, 'pim.assert-flapping');
  assert.deepEqual([flap?.link, flap?.source, flap?.group, flap?.detail.winnerChanges, flap?.at, flap?.until], ['lan', '10.1.0.10', '239.1.1.1', 3, T0 + 21, T0 + 90]);
});

test('a holdtime shorter than the Hello interval is pim.hello-mismatch; neighbors disagreeing on the T bit are a note', () => {
  const hello = (holdtime: number, trackingSupport: boolean | null) =>
    ({ holdtime, lanPruneDelay: trackingSupport === null ? null : { trackingSupport, propagationDelay: 500, overrideInterval: 2500 } }) as unknown as PimHello;
  const links = [{ name: 'lan', pimNeighbors: ['10.0.0.1', '10.0.0.2'] }];
  const findings = run((pim, tracker) => {
    pim.onHello(T0, 'lan', '10.0.0.1', hello(20, true));
    pim.onHello(T0 + 30, 'lan', '10.0.0.1', hello(20, true)); // every 30 s, held for 20 s
    pim.onHello(T0, 'lan', '10.0.0.2', hello(105, false));
    pim.onHello(T0 + 30, 'lan', '10.0.0.2', hello(105, false));
    tracker.holding(T0 + 31, pim.evaluate(T0 + 31, snapshot({ links } as Partial<NetworkSnapshot>), names));
  });
  const mismatches = kinds(findings, 'pim.hello-mismatch');
  assert.deepEqual(mismatches.map((finding) => [finding.severity, finding.router, finding.source]).sort(), [['info', null, 'lan-prune-delay'], ['warning', '10.0.0.1', null]]);
  assert.equal(mismatches.find((finding) => finding.severity === 'warning')!.detail.helloInterval, 30);
});

test('a (*,G) Join towards an address the BSR does not name RP is pim.join-to-non-rp; towards the named RP it is none', () => {
  const rps = [{ rp: '10.255.0.3', groupPrefix: '239.0.0.0/8', learnedFrom: 'bsr', priority: 10, holdtime: 150, since: T0, expiresAt: T0 + 150 }];
  const bsrs = [{ address: '10.255.0.9', priority: 1, hashMaskLength: 30, since: T0, expiresAt: T0 + 130 }];
  const join = (rp: string) => ({ link: 'r1-r2', from: '10.0.12.2', upstream: '10.0.12.1', type: '*,G', source: null, group: '239.1.1.1', rp, state: 'join', expiresAt: T0 + 210 });
  const towards = (rp: string) => run((pim, tracker) => {
    for (const at of [T0, T0 + 6]) tracker.holding(at, pim.evaluate(at, snapshot({ rps, bsrs, joins: [join(rp)] } as Partial<NetworkSnapshot>), names));
  });
  const [wrong] = kinds(towards('10.255.0.2'), 'pim.join-to-non-rp');
  assert.deepEqual([wrong?.severity, wrong?.group, wrong?.router, wrong?.detail.joinedRp, wrong?.detail.bsrRps], ['warning', '239.1.1.1', '10.0.12.2', '10.255.0.2', ['10.255.0.3']]);
  assert.deepEqual(towards('10.255.0.3'), []);
});

test('data to another MAC than the group\'s is data.mac-mismatch; two active groups on one MAC are data.mac-aliasing', () => {
  const tracker = new FindingsTracker();
  const forwarding = new ForwardingFindings(tracker);
  const flow = (group: string) => ({ link: 'lan', source: '10.1.0.10', group, pps: 5, bytes: 1000, forwarders: ['10.0.0.1'] });
  const state = snapshot({
    anomalies: [{ kind: 'mac-mismatch', link: 'lan', source: '10.1.0.10', group: '239.5.5.5', packets: 12 }],
    flows: [flow('239.1.1.1'), flow('232.1.1.1'), flow('239.5.5.5')],
  } as unknown as Partial<NetworkSnapshot>);
  tracker.holding(T0, forwarding.evaluate(T0, state, names, new Map()));
  const findings = tracker.all();
  const [mismatch] = kinds(findings, 'data.mac-mismatch');
  assert.deepEqual([mismatch?.link, mismatch?.group, mismatch?.detail.expected, mismatch?.detail.packets], ['lan', '239.5.5.5', '01:00:5e:05:05:05', 12]);
  const [aliasing] = kinds(findings, 'data.mac-aliasing');
  assert.deepEqual([aliasing?.link, aliasing?.detail.mac, aliasing?.detail.groups], ['lan', '01:00:5e:01:01:01', ['232.1.1.1', '239.1.1.1']]);
});
