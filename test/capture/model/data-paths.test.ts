/** Router identity by forwarded data: the same datagram one hop apart on two links (data-paths.ts, routers.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPathCorrelator } from '../../../capture/model/data-paths.js';
import { RouterRegistry } from '../../../capture/model/routers.js';
import type { MulticastData } from '../../../capture/protocols/multicast-data.js';

const T0 = 1_764_057_600;

function datagram(fingerprint: number, ttl: number): MulticastData {
  return {
    kind: 'data.ipv4', source: '10.1.0.10', group: '239.1.1.1', protocol: 17, srcPort: 5000, dstPort: 5001, length: 128, ttl,
    fragment: false, udpPayload: null, fingerprint,
  };
}

test('a datagram seen one TTL lower on another link is told as a hop once its window closed, with both ends', () => {
  const correlator = new DataPathCorrelator({ window: 1, sampleEvery: 1 });
  assert.deepEqual(correlator.observe(T0, 'lan-src', 'host', datagram(7, 64)), []);
  assert.deepEqual(correlator.observe(T0 + 0.001, 'r1-r2', 'mac-r1', datagram(7, 63)), []);
  assert.deepEqual(correlator.observe(T0 + 0.002, 'r2-r3', 'mac-r2', datagram(7, 62)), []);
  assert.deepEqual(correlator.advance(T0 + 0.5), [], 'not before the window closed');
  assert.deepEqual(correlator.advance(T0 + 1).map((hop) => [hop.fromLink, hop.fromMac, hop.toLink, hop.toMac]), [
    ['lan-src', 'host', 'r1-r2', 'mac-r1'],
    ['r1-r2', 'mac-r1', 'r2-r3', 'mac-r2'],
  ]);
});

test('a datagram also seen inside a Register is not told: the RP forwards it one TTL below the DR\'s copy, a tunnel away', () => {
  const correlator = new DataPathCorrelator({ window: 1, sampleEvery: 1 });
  const register = (fingerprint: number) => ({
    kind: 'pim.register' as const, checksum: 'good' as const, checksumCoverage: 'header' as const, border: false, nullRegister: false,
    innerFamily: 4 as const, innerSource: '10.1.0.10', innerGroup: '239.1.1.1', innerProtocol: 17, innerLength: 128, innerFingerprint: fingerprint,
  });
  correlator.observe(T0, 'lan-src', 'host', datagram(7, 16));
  correlator.observeRegistered(T0 + 0.001, register(7));
  correlator.observe(T0 + 0.002, 'lan-rcv', 'mac-rp', datagram(7, 15));
  // Decapsulated copy seen before the Register (captures on different links): the same.
  correlator.observe(T0, 'lan-src', 'host', datagram(8, 16));
  correlator.observe(T0 + 0.002, 'lan-rcv', 'mac-rp', datagram(8, 15));
  correlator.observeRegistered(T0 + 0.003, register(8));
  // A datagram that was not registered is told.
  correlator.observe(T0, 'lan-src', 'host', datagram(9, 16));
  correlator.observe(T0 + 0.002, 'r1-r2', 'mac-r1', datagram(9, 15));
  assert.deepEqual(correlator.advance(T0 + 2).map((hop) => [hop.fromLink, hop.toLink, hop.toMac]), [['lan-src', 'r1-r2', 'mac-r1']]);
});

test('with two links one TTL above (parallel paths) the hop is not told; other datagrams are not confused with it', () => {
  const correlator = new DataPathCorrelator({ window: 1, sampleEvery: 1 });
  correlator.observe(T0, 'r1-r2', 'mac-r1a', datagram(1, 63));
  correlator.observe(T0, 'r1-r4', 'mac-r1b', datagram(1, 63));
  correlator.observe(T0, 'r2-r3', 'mac-r2', datagram(1, 62));
  correlator.observe(T0, 'r3-r4', 'mac-r3', datagram(2, 62));
  assert.deepEqual(correlator.advance(T0 + 2), []);
});

test('only the sampled datagrams are followed, by fingerprint, so every link follows the same ones', () => {
  const correlator = new DataPathCorrelator({ window: 1, sampleEvery: 16 });
  correlator.observe(T0, 'a', 'm1', datagram(17, 63));
  correlator.observe(T0, 'b', 'm2', datagram(17, 62));
  correlator.observe(T0, 'a', 'm1', datagram(32, 63));
  correlator.observe(T0, 'b', 'm2', datagram(32, 62));
  assert.deepEqual(correlator.advance(T0 + 2).map((hop) => hop.toLink), ['b']);
});

/** R1 on `up` (the upstream), R2 and R3 on `up` too; the forwarder with mac-f on `down`. */
function registry(): RouterRegistry {
  const routers = new RouterRegistry();
  routers.observe('up', '10.0.0.1', 'mac-r1');
  routers.observe('up', '10.0.0.2', 'mac-r2');
  routers.observe('up', '10.0.0.3', 'mac-r3');
  routers.observe('down', '10.9.0.1', 'mac-f');
  return routers;
}

const interfacesOf = (routers: RouterRegistry, address: string) =>
  routers.routerWithAddress(address)?.interfaces.map((entry) => `${entry.link} ${entry.addresses.join(',')}`);

test('the forwarder is joined to the one interface left after agreeing datagrams, and says it was the data', () => {
  const routers = registry();
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.2', '10.0.0.3']);
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.2', '10.0.0.3']);
  assert.equal(routers.routers().length, 4, 'two candidates: nothing joined');
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.2']);
  assert.deepEqual(interfacesOf(routers, '10.9.0.1'), ['down 10.9.0.1', 'up 10.0.0.2']);
  assert.deepEqual(routers.routerWithAddress('10.9.0.1')?.evidence, ['data-path']);
  assert.equal(routers.routers().length, 3);
});

test('one datagram alone joins nothing, even with one candidate', () => {
  const routers = registry();
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.2']);
  assert.equal(routers.routers().length, 4);
});

test('the upstream router and routers with their own interface on the outgoing link are never the forwarder', () => {
  const routers = registry();
  routers.observe('down', '10.9.0.3', 'mac-r3');
  for (let count = 0; count < 3; count++) routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.1', '10.0.0.3']);
  assert.deepEqual(interfacesOf(routers, '10.9.0.1'), ['down 10.9.0.1'], 'R1 sent the datagram; R3 (shared MAC) is on down already');
});

test('evidence that contradicts what came before starts over (a route change), and still needs agreement', () => {
  const routers = registry();
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.2']);
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.3']);
  assert.deepEqual(interfacesOf(routers, '10.9.0.1'), ['down 10.9.0.1']);
  routers.learnForwarding('down', 'mac-f', 'up', 'mac-r1', ['10.0.0.3']);
  assert.deepEqual(interfacesOf(routers, '10.9.0.1'), ['down 10.9.0.1', 'up 10.0.0.3']);
});

test('a long run of datagrams is told in first-seen order, each once, as their windows close (across the queue\'s compactions)', () => {
  const correlator = new DataPathCorrelator({ window: 1, sampleEvery: 1 });
  const told: number[] = [];
  // 5,000 datagrams 1 ms apart, each seen on two links one TTL apart; time is looked at every 10 ms.
  for (let index = 0; index < 5000; index++) {
    const time = T0 + index / 1000;
    const hops = [...correlator.observe(time, 'up', 'host', datagram(index, 64)), ...correlator.observe(time, 'down', 'mac-r1', datagram(index, 63))];
    if (index % 10 === 0) hops.push(...correlator.advance(time));
    for (const hop of hops) told.push(Math.round((hop.time - T0) * 1000));
  }
  for (const hop of correlator.advance(T0 + 10)) told.push(Math.round((hop.time - T0) * 1000));
  assert.deepEqual(told, Array.from({ length: 5000 }, (_, index) => index));
});
