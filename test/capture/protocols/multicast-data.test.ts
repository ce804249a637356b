import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import { decodeMulticastData } from '../../../capture/protocols/multicast-data.js';
import { encodeIPv4, encodeIPv6, encodeUdp, fragmentHeader, PROTOCOL_UDP } from '../../helpers/encode-ip.js';

function ipv4(bytes: Uint8Array) {
  const decoded = decodeIPv4(bytes);
  assert.ok(decoded.ok);
  return decoded.value;
}

function ipv6(bytes: Uint8Array) {
  const decoded = decodeIPv6(bytes);
  assert.ok(decoded.ok);
  return decoded.value;
}

const DATA = new Uint8Array(100).fill(0x47);

describe('decodeMulticastData', () => {
  it('decodes an IPv4 UDP packet', () => {
    const udp = encodeUdp('10.0.0.1', '239.1.1.1', 40000, 5004, DATA);
    const { fingerprint, ...record } = decodeMulticastData(ipv4(encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, ttl: 32, payload: udp })));
    assert.equal(typeof fingerprint, 'number');
    assert.deepEqual(record, {
      kind: 'data.ipv4', source: '10.0.0.1', group: '239.1.1.1', protocol: 17, srcPort: 40000, dstPort: 5004,
      length: 128, ttl: 32, fragment: false, udpPayload: DATA,
    });
  });

  it('decodes an IPv6 UDP packet', () => {
    const udp = encodeUdp('2001:db8::1', 'ff3e::8000:1', 1234, 5004, DATA);
    const { fingerprint, ...record } = decodeMulticastData(ipv6(encodeIPv6({ src: '2001:db8::1', dst: 'ff3e::8000:1', nextHeader: PROTOCOL_UDP, hopLimit: 9, payload: udp })));
    assert.equal(typeof fingerprint, 'number');
    assert.deepEqual(record, {
      kind: 'data.ipv6', source: '2001:db8::1', group: 'ff3e::8000:1', protocol: 17, srcPort: 1234, dstPort: 5004,
      length: 148, ttl: 9, fragment: false, udpPayload: DATA,
    });
  });

  it('fingerprints a datagram by what forwarding leaves alone: same after a hop, different for another datagram', () => {
    const packet = (id: number, ttl: number, payload = DATA) =>
      decodeMulticastData(ipv4(encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, ttl, id, payload: encodeUdp('10.0.0.1', '239.1.1.1', 1, 2, payload) })));
    assert.equal(packet(7, 64).fingerprint, packet(7, 63).fingerprint);
    assert.notEqual(packet(7, 64).fingerprint, packet(8, 64).fingerprint);
    assert.notEqual(packet(7, 64).fingerprint, packet(7, 64, new Uint8Array(100).fill(0x48)).fingerprint);
  });

  it('reads ports from a capture cut inside the UDP header, not before them', () => {
    const packet = encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.1', '239.1.1.1', 1, 2, DATA) });
    const cut = decodeMulticastData(ipv4(packet.subarray(0, 24)));
    assert.equal(cut.srcPort, 1);
    assert.equal(cut.dstPort, 2);
    assert.equal(cut.length, 128);
    assert.equal(cut.udpPayload, null);
    const tooShort = decodeMulticastData(ipv4(packet.subarray(0, 23)));
    assert.equal(tooShort.srcPort, null);
    assert.equal(tooShort.dstPort, null);
  });

  it('has no ports for non-UDP protocols and non-first fragments', () => {
    assert.equal(decodeMulticastData(ipv4(encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: 6, payload: DATA }))).srcPort, null);
    const later = decodeMulticastData(ipv4(encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, fragmentOffset: 1480, payload: DATA })));
    assert.equal(later.srcPort, null);
    assert.equal(later.fragment, true);
    const first = decodeMulticastData(ipv6(encodeIPv6({
      src: '2001:db8::1', dst: 'ff0e::1', nextHeader: PROTOCOL_UDP, extensionHeaders: [fragmentHeader(0, true)],
      payload: encodeUdp('2001:db8::1', 'ff0e::1', 7, 8, DATA),
    })));
    assert.deepEqual([first.srcPort, first.dstPort, first.fragment], [7, 8, true]);
  });
});
