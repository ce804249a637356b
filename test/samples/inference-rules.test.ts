/**
 * Rules the inferred state keeps on every real capture, whatever the routers' vendor (FRR and
 * pimd labs): no edge back onto its incoming link (RFC 7761 §4.2: oiflist minus iif), none onto
 * the source's own link, no IPv6 tree where no PIMv6 router speaks, and routers built without the
 * topology file never mix two real routers' interfaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, scenariosWithTruth, snapshotsAt } from '../accuracy/scenarios.js';
import { interfaceAddresses, type Topology } from '../../capture/model/topology.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';

const scenarios = await scenariosWithTruth();

/** The topology node owning an address, and the link a host address sits on. */
function owners(topology: Topology): { nodeOf: Map<string, string>; linkOf: Map<string, string> } {
  const nodeOf = new Map<string, string>();
  const linkOf = new Map<string, string>();
  for (const node of topology.nodes) {
    for (const declared of node.interfaces) {
      for (const address of interfaceAddresses(declared)) {
        nodeOf.set(address, node.name);
        if (declared.link !== undefined) linkOf.set(address, declared.link);
      }
    }
  }
  return { nodeOf, linkOf };
}

test('the rules are checked on every lab sample, of both vendors', () => {
  assert.ok(scenarios.includes('pimd-ring') && scenarios.includes('pim-sm'), scenarios.join(' '));
});

for (const name of scenarios) {
  test(`${name}: no tree edge onto its incoming link or the source's link; IPv6 trees only with PIMv6 on the wire`, async () => {
    const { topology, checkpoints, captures } = await loadScenario(name);
    const { linkOf } = owners(topology);
    const snapshots = await snapshotsAt(captures, checkpoints.map((checkpoint) => checkpoint.timeStart), topology);
    let edges = 0;
    const pimSpoken = snapshots.some((snapshot) => snapshot.links.some((link) => link.pimNeighbors.length > 0));
    for (const snapshot of snapshots) {
      const pimv6 = snapshot.links.some((link) => link.pimNeighbors.some((address) => address.includes(':')));
      for (const tree of snapshot.trees) {
        if (tree.group.includes(':')) assert.ok(pimv6, `${name} @${snapshot.at}: IPv6 tree (${tree.source},${tree.group}) with no PIMv6 router`);
        const sourceLink = linkOf.get(tree.source);
        for (const edge of tree.edges) {
          edges++;
          assert.notEqual(edge.out, edge.in, `${name} @${snapshot.at}: ${edge.router} forwards (${tree.source},${tree.group}) back onto ${edge.in}`);
          assert.notEqual(edge.out, sourceLink, `${name} @${snapshot.at}: ${edge.router} forwards (${tree.source},${tree.group}) onto the source's link`);
        }
      }
    }
    assert.ok(edges > 0 || !pimSpoken, `${name}: PIM routers and no edges at all`);
  });

  test(`${name}: without the topology file, no inferred router holds two real routers' interfaces`, async () => {
    const { topology, checkpoints, captures } = await loadScenario(name);
    const { nodeOf } = owners(topology);
    const [last] = await snapshotsAt(captures, [checkpoints.at(-1)!.timeStart], null) as [NetworkSnapshot];
    for (const router of last.routers) {
      const nodes = new Set(router.interfaces.flatMap((entry) => entry.addresses).map((address) => nodeOf.get(address)).filter((node) => node !== undefined));
      assert.ok(nodes.size <= 1, `${name}: ${router.id} joins ${[...nodes].join(' and ')} (by ${router.evidence.join(', ')})`);
    }
  });
}

test('pimd-ring: routers with a MAC per interface and no Hello address list are joined by the data they forward', async () => {
  const { checkpoints, captures } = await loadScenario('pimd-ring');
  const [last] = await snapshotsAt(captures, [checkpoints.at(-1)!.timeStart], null) as [NetworkSnapshot];
  const linksOf = (address: string) => last.routers.find((router) => router.interfaces.some((entry) => entry.addresses.includes(address)));
  // R3 (10.0.23.3) and R5 (10.0.45.5) send no unicast PIM: only the data joins their interfaces.
  assert.deepEqual(linksOf('10.0.23.3')?.interfaces.map((entry) => entry.link), ['lan-rcv', 'r2-r3', 'r3-r4']);
  assert.deepEqual(linksOf('10.0.23.3')?.evidence, ['data-path']);
  assert.deepEqual(linksOf('10.0.45.5')?.interfaces.map((entry) => entry.link), ['lan-rcv', 'r4-r5']);
  assert.deepEqual(linksOf('10.0.14.4')?.interfaces.map((entry) => entry.link), ['lan-rcv2', 'r1-r4', 'r3-r4', 'r4-r5']);
  assert.ok(last.routers.length <= 6, `${last.routers.length} routers for 5`);
});

test('pim-sm: R3\'s switch to the shortest-path tree is timed on its two incoming links, and the RP tree goes on delivering for seconds', async () => {
  const { topology, captures } = await loadScenario('pim-sm');
  const { nodeOf } = owners(topology);
  const [early] = await snapshotsAt(captures, [1795595131.8 + 60], topology);
  const tree = early!.trees.find((entry) => entry.source === '10.0.1.10' && entry.group === '239.1.1.1' && entry.kind === 'SPT');
  const timing = tree?.switchover;
  assert.ok(timing, JSON.stringify(tree));
  const named = topology.nodes.find((node) => node.routerId === timing.router)?.name ?? nodeOf.get(timing.router);
  assert.deepEqual([named, timing.rptLink, timing.sptLink], ['R3', 'r2-r3', 'r1-r3']);
  assert.ok(timing.firstSptPacketAt! - timing.joinedAt < 1, 'the SPT delivers within a second of the Join');
  // FRR's RP (R2) forwards S1 down r2-r3 for about 14 s after R3's (S,G) Join: the copies R3 drops.
  assert.ok(timing.seconds! > 10 && timing.seconds! < 20, `${timing.seconds}`);
});
