/**
 * Router identification from the wire alone, on the real pim-sm sample: OSPF Router IDs and
 * Router-LSAs, and unicast PIM at its initial TTL, must group every router interface the lab's
 * topology file lists into exactly its router, without being given that file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame } from '../../../capture/decode.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import { interfaceAddresses, parseTopology } from '../../../capture/model/topology.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';

const SAMPLE = join(process.cwd(), 'samples', 'pim-sm');

test('pim-sm: each router of the topology is one router, found without the topology', async () => {
  const topology = parseTopology(JSON.parse(await readFile(join(SAMPLE, 'topology.json'), 'utf8')));
  assert.ok(typeof topology !== 'string');
  const analyzer = new NetworkAnalyzer();
  for await (const frame of openCaptureFiles([join(SAMPLE, 'pim-sm.pcapng.gz')]).frames) analyzer.onFrame(decodeFrame(frame));
  const found = analyzer.routers.routers();
  const routers = topology.nodes.filter((node) => node.kind === 'router');
  assert.equal(found.length, routers.length);
  for (const node of routers) {
    const addresses = node.interfaces.flatMap(interfaceAddresses).filter((address) => !address.includes(':'));
    const owners = new Set(addresses.map((address) => found.find((router) => router.interfaces.some((entry) => entry.addresses.includes(address)))?.id));
    assert.deepEqual([...owners], [node.routerId], `${node.name}: ${addresses.join(' ')}`);
  }
});
