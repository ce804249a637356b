import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, hasBadChecksum, type Packet } from '../../capture/decode.js';
import { encodeIgmpMessage, encodeIgmpV3Report, igmpPacket, IGMP_V2_LEAVE } from '../helpers/encode-igmp.js';
import { encodeMldV2Report, mldPacket } from '../helpers/encode-mld.js';
import { encodePim } from '../helpers/encode-pim.js';
import { encodeIPv4, encodeIPv6, encodeUdp, PROTOCOL_PIM, PROTOCOL_UDP } from '../helpers/encode-ip.js';
import { ethernetFrame, frameOf } from '../helpers/encode-frame.js';

const HOST_MAC = '02:00:00:00:00:01';

function decodeOk(data: Uint8Array): Packet {
  const result = decodeFrame(frameOf(data));
  assert.ok(result.ok, result.ok ? '' : result.error.error.reason);
  return result.packet;
}

test('an IGMPv2 leave in an 802.1Q-tagged frame decodes with its link facts', () => {
  const ip = igmpPacket('10.0.0.5', '224.0.0.2', encodeIgmpMessage(IGMP_V2_LEAVE, 0, '239.1.1.1'));
  const packet = decodeOk(ethernetFrame('01:00:5e:00:00:02', HOST_MAC, 0x0800, ip, [42]));
  assert.equal(packet.message.kind, 'igmp.v2.leave');
  assert.deepEqual(packet.vlans, [42]);
  assert.equal(packet.srcMac, HOST_MAC);
  assert.deepEqual(packet.ip, { family: 4, src: '10.0.0.5', dst: '224.0.0.2', ttl: 1, routerAlert: true });
});

test('an IGMPv3 report keeps its group records', () => {
  const ip = igmpPacket('10.0.0.5', '224.0.0.22', encodeIgmpV3Report([{ type: 4, group: '239.1.1.1' }, { type: 5, group: '232.1.1.1', sources: ['10.9.9.9'] }]));
  const packet = decodeOk(ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, ip));
  assert.equal(packet.message.kind, 'igmp.v3.report');
  if (packet.message.kind !== 'igmp.v3.report') return;
  assert.deepEqual(packet.message.records.map((record) => [record.type, record.group, record.sources]), [
    ['TO_EX', '239.1.1.1', []],
    ['ALLOW', '232.1.1.1', ['10.9.9.9']],
  ]);
});

test('an MLDv2 report behind Hop-by-Hop Router Alert decodes', () => {
  const addresses = { src: 'fe80::1', dst: 'ff02::16' };
  const packet = decodeOk(ethernetFrame('33:33:00:00:00:16', HOST_MAC, 0x86dd, mldPacket(addresses, encodeMldV2Report([{ type: 3, address: 'ff3e::8000:1', sources: ['fd00::5'] }], addresses))));
  assert.equal(packet.message.kind, 'mld.v2.report');
  assert.equal(packet.ip?.routerAlert, true);
});

test('PIM to a unicast address (Register-Stop) is still PIM', () => {
  const pim = encodePim({ kind: 'pim.register-stop', group: { address: '239.1.1.1' }, source: '10.1.1.10' }, { src: '10.0.0.2', dst: '10.0.0.1' });
  const ip = encodeIPv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: PROTOCOL_PIM, ttl: 64, payload: pim.bytes });
  assert.equal(decodeOk(ethernetFrame('02:00:00:00:00:02', HOST_MAC, 0x0800, ip)).message.kind, 'pim.register-stop');
});

test('UDP to a group is data with ports and the MAC mapping checked', () => {
  const udp = encodeUdp('10.1.1.10', '239.1.1.1', 40000, 5001, new Uint8Array(100));
  const ip = encodeIPv4({ src: '10.1.1.10', dst: '239.1.1.1', protocol: PROTOCOL_UDP, ttl: 16, payload: udp });
  const good = decodeOk(ethernetFrame('01:00:5e:01:01:01', HOST_MAC, 0x0800, ip));
  assert.equal(good.message.kind, 'data.ipv4');
  assert.equal(good.macMismatch, false);
  if (good.message.kind === 'data.ipv4') {
    assert.deepEqual([good.message.source, good.message.group, good.message.dstPort, good.message.length], ['10.1.1.10', '239.1.1.1', 5001, 128]);
  }
  assert.equal(decodeOk(ethernetFrame('01:00:5e:01:01:02', HOST_MAC, 0x0800, ip)).macMismatch, true);
});

test('IPv6 data to ff00::/8 is data.ipv6; unicast and non-IP traffic is other', () => {
  const udp = encodeUdp('fd00::5', 'ff3e::8000:1', 1, 2, new Uint8Array(8));
  const v6 = encodeIPv6({ src: 'fd00::5', dst: 'ff3e::8000:1', nextHeader: PROTOCOL_UDP, payload: udp });
  assert.equal(decodeOk(ethernetFrame('33:33:80:00:00:01', HOST_MAC, 0x86dd, v6)).message.kind, 'data.ipv6');
  const unicast = encodeIPv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.1', '10.0.0.2', 1, 2, new Uint8Array(4)) });
  assert.deepEqual(decodeOk(ethernetFrame(HOST_MAC, HOST_MAC, 0x0800, unicast)).message, { kind: 'other', protocol: 'ipv4-proto-17' });
  assert.deepEqual(decodeOk(ethernetFrame('ff:ff:ff:ff:ff:ff', HOST_MAC, 0x0806, new Uint8Array(28))).message, { kind: 'other', protocol: 'ethertype-0x0806' });
});

test('a bad IGMP checksum is a decoded message flagged bad (receivers drop it); a bad IPv4 header checksum is a decode error', () => {
  const igmp = encodeIgmpMessage(IGMP_V2_LEAVE, 0, '239.1.1.1');
  igmp[2] ^= 0xff;
  const result = decodeFrame(frameOf(ethernetFrame('01:00:5e:00:00:02', HOST_MAC, 0x0800, igmpPacket('10.0.0.5', '224.0.0.2', igmp)), { number: 7 }));
  assert.ok(result.ok);
  assert.equal(result.packet.message.kind, 'igmp.v2.leave');
  assert.equal(hasBadChecksum(result.packet.message), true);

  const ip = igmpPacket('10.0.0.5', '224.0.0.2', encodeIgmpMessage(IGMP_V2_LEAVE, 0, '239.1.1.1'));
  ip[10] ^= 0x01;
  const bad = decodeFrame(frameOf(ethernetFrame('01:00:5e:00:00:02', HOST_MAC, 0x0800, ip)));
  assert.equal(!bad.ok && bad.error.error.layer, 'ipv4');
});

test('a frame cut at any byte never throws', () => {
  const ip = igmpPacket('10.0.0.5', '224.0.0.22', encodeIgmpV3Report([{ type: 6, group: '239.1.1.1', sources: ['10.0.0.9', '10.0.0.8'] }]));
  const whole = ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, ip);
  for (let length = 0; length < whole.length; length++) {
    const result = decodeFrame(frameOf(whole.subarray(0, length)));
    assert.equal(result.ok && result.packet.message.kind === 'igmp.v3.report', false, `cut at ${length} still decoded as a report`);
  }
});

test('a PIM message cut by the snaplen is a truncation, not a bad checksum', () => {
  const pim = encodePim({ kind: 'pim.register-stop', group: { address: '239.1.1.1' }, source: '10.1.1.10' }, { src: '10.0.0.2', dst: '10.0.0.1' });
  const ip = encodeIPv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: PROTOCOL_PIM, ttl: 64, payload: pim.bytes });
  const whole = ethernetFrame('02:00:00:00:00:02', HOST_MAC, 0x0800, ip);
  const result = decodeFrame(frameOf(whole.subarray(0, whole.length - 4)));
  assert.equal(result.ok, false);
  if (!result.ok) assert.deepEqual([result.error.error.layer, result.error.error.code], ['pim', 'truncated']);
});
