/**
 * Random bytes and random mutations of valid packets through every IP-layer and protocol decoder
 * this folder covers, with a fixed seed: nothing may throw, and every result is well-formed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Decoded } from '../../../capture/decode-error.js';
import { computeChecksum } from '../../../capture/ip/checksum.js';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import { decodeIgmp } from '../../../capture/protocols/igmp.js';
import { decodeMld } from '../../../capture/protocols/mld.js';
import { decodeMulticastData } from '../../../capture/protocols/multicast-data.js';
import { encodeIPv4, encodeIPv6, encodeUdp, fragmentHeader, hopByHopRouterAlert, optionsHeader, PROTOCOL_UDP } from '../../helpers/encode-ip.js';
import { encodeIgmpMessage, encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket, setIgmpChecksum } from '../../helpers/encode-igmp.js';
import { encodeMldV1, encodeMldV2Query, encodeMldV2Report, mldPacket, setIcmpv6Checksum } from '../../helpers/encode-mld.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const ITERATIONS = 4000;


const HOST = { src: 'fe80::2', dst: 'ff02::16' };

const VALID_PACKETS: Uint8Array[] = [
  igmpPacket('10.0.0.2', '224.0.0.1', encodeIgmpMessage(0x11, 100, '0.0.0.0')),
  igmpPacket('10.0.0.2', '224.0.0.1', encodeIgmpV3Query({ group: '232.1.1.1', sources: ['10.1.1.1', '10.1.1.2'] })),
  igmpPacket('10.0.0.3', '224.0.0.22', encodeIgmpV3Report([
    { type: 1, group: '239.1.1.1', sources: ['10.0.0.1'] }, { type: 4, group: '239.2.2.2', auxData: [1, 2, 3, 4] },
  ])),
  mldPacket(HOST, encodeMldV2Report([{ type: 5, address: 'ff3e::1', sources: ['2001:db8::1'] }, { type: 2, address: 'ff0e::1' }], HOST)),
  mldPacket({ src: 'fe80::1', dst: 'ff02::1' }, encodeMldV2Query({ address: 'ff3e::1', sources: ['2001:db8::1'] }, { src: 'fe80::1', dst: 'ff02::1' })),
  mldPacket(HOST, encodeMldV1(131, 0, 'ff05::1:3', HOST)),
  encodeIPv4({ src: '10.0.0.1', dst: '239.1.1.1', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.1', '239.1.1.1', 1, 2, new Uint8Array(20)) }),
  encodeIPv6({
    src: '2001:db8::1', dst: 'ff0e::1', nextHeader: PROTOCOL_UDP, payload: encodeUdp('2001:db8::1', 'ff0e::1', 1, 2, new Uint8Array(20)),
    extensionHeaders: [hopByHopRouterAlert(), optionsHeader(60, [1, 2, 0, 0]), fragmentHeader(0, true)],
  }),
];

function assertWellFormed<T>(decoded: Decoded<T>): void {
  assert.equal(typeof decoded.ok, 'boolean');
  if (!decoded.ok) {
    assert.equal(typeof decoded.error.reason, 'string');
    assert.ok(Number.isInteger(decoded.error.offset) && decoded.error.offset >= 0);
  }
}

/** IP, then the protocol its payload carries, as the frame decoder will chain them. */
function decodeAll(bytes: Uint8Array): void {
  const v4 = decodeIPv4(bytes);
  assertWellFormed(v4);
  if (v4.ok) {
    assertWellFormed(decodeIgmp(v4.value.payload, v4.value.truncated));
    decodeMulticastData(v4.value);
  }
  const v6 = decodeIPv6(bytes);
  assertWellFormed(v6);
  if (v6.ok) {
    assertWellFormed(decodeMld(v6.value.payload, v6.value));
    decodeMulticastData(v6.value);
  }
  assertWellFormed(decodeIgmp(bytes));
  if (bytes.length >= 32) assertWellFormed(decodeMld(bytes, { srcBytes: bytes.subarray(0, 16), dstBytes: bytes.subarray(16, 32) }));
}

describe('decoders under fuzzing', () => {
  it('every valid sample decodes end to end', () => {
    for (const packet of VALID_PACKETS) {
      const v4 = decodeIPv4(packet);
      const v6 = decodeIPv6(packet);
      if (v4.ok) {
        if (v4.value.protocol === 2) assert.ok(decodeIgmp(v4.value.payload).ok);
      } else {
        assert.ok(v6.ok);
        if (v6.value.nextHeader === 58) assert.ok(decodeMld(v6.value.payload, v6.value).ok);
      }
    }
  });

  it('survives random bytes', () => {
    const random = seededRandom(0x5eed);
    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 120));
      for (let j = 0; j < bytes.length; j++) bytes[j] = random() * 256;
      // Make half of them look like IPv4 or IPv6 so the deeper paths run.
      if (bytes.length && i % 2) bytes[0] = i % 4 === 1 ? 0x45 + (bytes[0]! & 0x0a) : 0x60;
      decodeAll(bytes);
    }
  });

  it('survives random mutations of valid packets', () => {
    const random = seededRandom(0xc0ffee);
    for (let i = 0; i < ITERATIONS; i++) {
      const packet = VALID_PACKETS[i % VALID_PACKETS.length]!.slice();
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) packet[Math.floor(random() * packet.length)] = random() * 256;
      // Half the time repair the IPv4 header checksum so the option walk and the payload get exercised.
      const headerLength = (packet[0]! & 0x0f) * 4;
      if (random() < 0.5 && packet[0]! >> 4 === 4 && headerLength >= 20 && headerLength <= packet.length) {
        packet[10] = 0;
        packet[11] = 0;
        const checksum = computeChecksum(packet, 0, headerLength);
        packet[10] = checksum >> 8;
        packet[11] = checksum & 0xff;
      }
      const cut = random() < 0.3 ? Math.floor(random() * packet.length) : packet.length;
      decodeAll(packet.subarray(0, cut));
    }
  });

  it('survives random mutations of bare IGMP and MLD messages with repaired checksums', () => {
    const random = seededRandom(0xfeed);
    const igmp = [encodeIgmpV3Query({ group: '232.1.1.1', sources: ['10.1.1.1'] }), encodeIgmpV3Report([{ type: 1, group: '239.1.1.1', sources: ['10.0.0.1'], auxData: [1, 2, 3, 4] }])];
    const mld = [encodeMldV2Query({ address: 'ff3e::1', sources: ['2001:db8::1'] }, HOST), encodeMldV2Report([{ type: 5, address: 'ff3e::1', sources: ['2001:db8::1'] }], HOST)];
    const addresses = { srcBytes: Uint8Array.of(0xfe, 0x80, ...new Array(13).fill(0), 2), dstBytes: Uint8Array.of(0xff, 2, ...new Array(13).fill(0), 0x16) };
    let decodedOk = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const cut = (bytes: Uint8Array) => bytes.subarray(0, random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length);
      const message = (i % 2 ? igmp : mld)[(i >> 1) % 2]!.slice();
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) message[4 + Math.floor(random() * (message.length - 4))] = random() * 256;
      if (i % 2) {
        const decoded = decodeIgmp(cut(setIgmpChecksum(message)));
        assertWellFormed(decoded);
        if (decoded.ok) decodedOk++;
      } else {
        const decoded = decodeMld(cut(setIcmpv6Checksum(message, HOST)), addresses);
        assertWellFormed(decoded);
        if (decoded.ok) decodedOk++;
      }
    }
    assert.ok(decodedOk > ITERATIONS / 10, `only ${decodedOk} mutated messages decoded: the fuzzing is not reaching the record parsers`);
  });
});
