import { test } from 'node:test';
import { computeChecksum, ipv6PseudoHeaderSum } from '../../../capture/ip/checksum.js';
import assert from 'node:assert/strict';
import { decodePim, type PimRegister } from '../../../capture/protocols/pim.js';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import { decodeMulticastData } from '../../../capture/protocols/multicast-data.js';
import { encodePim, ipv4Packet, ipv6Packet, IPV6_ENDS, type EncodedPim, type IpEnds } from '../../helpers/encode-pim.js';

/** Registers are unicast from the DR to the RP. */
const DR_TO_RP_V4: IpEnds = { src: '10.0.0.1', dst: '10.255.0.1' };
const DR_TO_RP_V6: IpEnds = { src: '2001:db8::1', dst: '2001:db8:ff::1' };
const UDP_DATAGRAM = [0x13, 0x88, 0x13, 0x89, 0, 12, 0, 0, 0xde, 0xad, 0xbe, 0xef];

/** The fingerprint the multicast data decoder gives a native IPv4/IPv6 packet. */
function fingerprintOf(packet: Uint8Array): number {
  const ip = (packet[0]! >> 4) === 4 ? decodeIPv4(packet) : decodeIPv6(packet);
  assert.ok(ip.ok);
  return decodeMulticastData(ip.value).fingerprint;
}

function decodeRegister({ bytes, ip }: EncodedPim): PimRegister {
  const result = decodePim(bytes, ip);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.ok(result.value.kind === 'pim.register' || result.value.kind === 'pim.null-register');
  return result.value as PimRegister;
}

test('register carrying an IPv4 UDP packet', () => {
  const inner = ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM);
  assert.deepEqual(decodeRegister(encodePim({ kind: 'pim.register', inner }, DR_TO_RP_V4)), {
    kind: 'pim.register',
    checksum: 'good',
    checksumCoverage: 'header',
    border: false,
    nullRegister: false,
    innerFamily: 4,
    innerSource: '192.168.1.10',
    innerGroup: '239.1.2.3',
    innerProtocol: 17,
    innerLength: 32,
    innerFingerprint: fingerprintOf(inner),
  });
});

test('a Register\'s inner packet has the fingerprint the same datagram has on the wire, over IPv4 and IPv6', () => {
  const v4 = ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM);
  const v6 = ipv6Packet('2001:db8:1::10', 'ff3e::8000:1', 17, UDP_DATAGRAM);
  assert.equal(decodeRegister(encodePim({ kind: 'pim.register', inner: v4 }, DR_TO_RP_V4)).innerFingerprint, fingerprintOf(v4));
  assert.equal(decodeRegister(encodePim({ kind: 'pim.register', inner: v6 }, DR_TO_RP_V6)).innerFingerprint, fingerprintOf(v6));
  const other = ipv4Packet('192.168.1.10', '239.1.2.3', 17, [...UDP_DATAGRAM.slice(0, -1), 0xee]);
  assert.notEqual(fingerprintOf(other), fingerprintOf(v4), 'another payload, another datagram');
});

test('register over IPv6 carrying an IPv6 packet, with the border bit', () => {
  const inner = ipv6Packet('2001:db8:1::10', 'ff3e::8000:1', 17, UDP_DATAGRAM);
  const register = decodeRegister(encodePim({ kind: 'pim.register', border: true, inner }, DR_TO_RP_V6));
  assert.equal(register.checksum, 'good');
  assert.equal(register.checksumCoverage, 'header');
  assert.equal(register.border, true);
  assert.deepEqual(
    [register.innerFamily, register.innerSource, register.innerGroup, register.innerProtocol, register.innerLength],
    [6, '2001:db8:1::10', 'ff3e::8000:1', 17, 52],
  );
});

test('null-register: N bit set, dummy IPv4 or IPv6 header only', () => {
  const v4 = decodeRegister(encodePim({ kind: 'pim.register', nullRegister: true, inner: ipv4Packet('192.168.1.10', '239.1.2.3', 0, []) }, DR_TO_RP_V4));
  assert.equal(v4.kind, 'pim.null-register');
  assert.equal(v4.nullRegister, true);
  assert.deepEqual([v4.innerSource, v4.innerGroup, v4.innerLength], ['192.168.1.10', '239.1.2.3', 20]);
  const v6 = decodeRegister(encodePim({ kind: 'pim.register', nullRegister: true, inner: ipv6Packet('2001:db8::5', 'ff3e::1', 59, []) }, DR_TO_RP_V6));
  assert.equal(v6.kind, 'pim.null-register');
  assert.deepEqual([v6.innerFamily, v6.innerSource, v6.innerGroup, v6.innerLength], [6, '2001:db8::5', 'ff3e::1', 40]);
});

test('a checksum over the whole register is accepted and reported as such, over IPv4 and IPv6', () => {
  const inner = ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM);
  for (const ends of [DR_TO_RP_V4, DR_TO_RP_V6, IPV6_ENDS]) {
    const register = decodeRegister(encodePim({ kind: 'pim.register', inner }, ends, { registerCoverage: 'message' }));
    assert.equal(register.checksum, 'good');
    assert.equal(register.checksumCoverage, 'message');
  }
});

test('a register checksum matching no rule is flagged bad, and the register still decoded', () => {
  const { bytes, ip } = encodePim({ kind: 'pim.register', inner: ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM) }, DR_TO_RP_V4);
  bytes[3] ^= 0x01;
  const register = decodeRegister({ bytes, ip });
  assert.deepEqual([register.checksum, register.checksumCoverage, register.innerGroup], ['bad', 'unknown', '239.1.2.3']);
});

test('an IPv6 register summed with the other pseudo-header length (8, or the whole message) is accepted under either rule', () => {
  const inner = ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM);
  for (const coverage of ['header', 'message'] as const) {
    const { bytes, ip } = encodePim({ kind: 'pim.register', inner }, DR_TO_RP_V6, { registerCoverage: coverage });
    // Re-sum with the pseudo-header length the RFC does not use for this rule.
    const covered = coverage === 'header' ? 8 : bytes.length;
    const pseudoLength = coverage === 'header' ? bytes.length : 8;
    bytes[2] = 0;
    bytes[3] = 0;
    const sum = computeChecksum(bytes, 0, covered, ipv6PseudoHeaderSum(ip.srcBytes, ip.dstBytes, pseudoLength, 103));
    bytes[2] = sum >> 8;
    bytes[3] = sum & 0xff;
    const register = decodeRegister({ bytes, ip });
    assert.deepEqual([register.checksum, register.checksumCoverage], ['good', coverage]);
  }
});

test('a register cut by the capture decodes from its inner header when the header checksum holds', () => {
  const payload = new Array(1000).fill(0x5a);
  const { bytes, ip } = encodePim({ kind: 'pim.register', inner: ipv4Packet('192.168.1.10', '239.1.2.3', 17, payload) }, DR_TO_RP_V4);
  const cut = bytes.subarray(0, 8 + 20 + 8);
  const register = decodePim(cut, { ...ip, payloadLengthOnWire: bytes.length });
  assert.ok(register.ok);
  assert.deepEqual([register.value.checksum, (register.value as PimRegister).innerLength], ['good', 1020]);

  const wholeMessageSum = encodePim({ kind: 'pim.register', inner: ipv4Packet('192.168.1.10', '239.1.2.3', 17, payload) }, DR_TO_RP_V4, { registerCoverage: 'message' });
  const unverified = decodePim(wholeMessageSum.bytes.subarray(0, 36), { ...ip, payloadLengthOnWire: wholeMessageSum.bytes.length });
  assert.ok(unverified.ok);
  assert.deepEqual([unverified.value.checksum, (unverified.value as PimRegister).checksumCoverage], ['unverified', 'unknown']);
});

test('a null-register whose dummy IPv4 header checksum is 0 (as FRR sends it) decodes: the inner checksum is not PIM\'s', () => {
  const dummy = ipv4Packet('10.2.0.10', '239.2.2.2', 103, []);
  dummy[10] = 0;
  dummy[11] = 0;
  const register = decodeRegister(encodePim({ kind: 'pim.register', nullRegister: true, inner: dummy }, DR_TO_RP_V4));
  assert.deepEqual([register.kind, register.innerSource, register.innerGroup, register.innerProtocol], ['pim.null-register', '10.2.0.10', '239.2.2.2', 103]);
});

test('a data register shorter than its inner packet says is truncated; inner errors are reported at PIM offsets', () => {
  const short = encodePim({ kind: 'pim.register', inner: ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM, 100) }, DR_TO_RP_V4);
  const truncatedResult = decodePim(short.bytes, short.ip);
  assert.deepEqual(!truncatedResult.ok && [truncatedResult.error.code, truncatedResult.error.offset], ['truncated', 8]);

  // IPv6 inner packet whose Hop-by-Hop header claims 48 bytes of a 2-byte payload: the IPv6 decoder's
  // bad-length at its offset 40 is reported at PIM offset 48.
  const badInner = encodePim({ kind: 'pim.register', inner: ipv6Packet('2001:db8::5', 'ff3e::1', 0, [59, 5]) }, DR_TO_RP_V6);
  const innerResult = decodePim(badInner.bytes, badInner.ip);
  assert.deepEqual(!innerResult.ok && [innerResult.error.code, innerResult.error.offset], ['bad-length', 48]);

  const badIhl = ipv4Packet('192.168.1.10', '239.1.2.3', 17, UDP_DATAGRAM);
  badIhl[0] = 0x44;
  const ihl = encodePim({ kind: 'pim.register', inner: badIhl }, DR_TO_RP_V4);
  const ihlResult = decodePim(ihl.bytes, ihl.ip);
  assert.deepEqual(!ihlResult.ok && [ihlResult.error.code, ihlResult.error.offset], ['bad-length', 8]);

  const notIp = encodePim({ kind: 'pim.register', inner: Uint8Array.of(0x50, 0, 0, 0) }, DR_TO_RP_V4);
  const notIpResult = decodePim(notIp.bytes, notIp.ip);
  assert.deepEqual(!notIpResult.ok && [notIpResult.error.code, notIpResult.error.offset], ['bad-value', 8]);

  const empty = encodePim({ kind: 'pim.register', inner: new Uint8Array(0) }, DR_TO_RP_V4);
  const emptyResult = decodePim(empty.bytes, empty.ip);
  assert.deepEqual(!emptyResult.ok && [emptyResult.error.code, emptyResult.error.offset], ['truncated', 8]);
});
