import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import {
  authenticationHeader, encodeIPv6, fragmentHeader, hopByHopRouterAlert, ipv6RouterAlertOption, NEXT_HEADER_AH,
  NEXT_HEADER_DESTINATION_OPTIONS, NEXT_HEADER_ESP, NEXT_HEADER_FRAGMENT, NEXT_HEADER_HOP_BY_HOP, NEXT_HEADER_ICMPV6,
  NEXT_HEADER_ROUTING, optionsHeader, routingHeader,
} from '../../helpers/encode-ip.js';

const PAYLOAD = Uint8Array.of(0x82, 0, 0, 0, 1, 2, 3, 4);
const SRC = 'fe80::1';
const DST = 'ff02::16';

function decodeOk(bytes: Uint8Array) {
  const decoded = decodeIPv6(bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.reason);
  return decoded.value;
}

function decodeError(bytes: Uint8Array) {
  const decoded = decodeIPv6(bytes);
  assert.ok(!decoded.ok, 'expected a decode error');
  assert.equal(decoded.error.layer, 'ipv6');
  return decoded.error;
}

describe('decodeIPv6', () => {
  it('decodes the fixed header', () => {
    const packet = decodeOk(encodeIPv6({ src: '2001:db8::1', dst: 'ff3e::8000:1', nextHeader: 17, hopLimit: 64, trafficClass: 0xb8, flowLabel: 0xabcde, payload: PAYLOAD }));
    assert.equal(packet.version, 6);
    assert.equal(packet.trafficClass, 0xb8);
    assert.equal(packet.flowLabel, 0xabcde);
    assert.equal(packet.payloadLength, 8);
    assert.equal(packet.hopLimit, 64);
    assert.equal(packet.src, '2001:db8::1');
    assert.equal(packet.dst, 'ff3e::8000:1');
    assert.equal(packet.srcBytes.length, 16);
    assert.equal(packet.dstBytes[0], 0xff);
    assert.equal(packet.nextHeader, 17);
    assert.deepEqual(packet.extensionHeaders, []);
    assert.equal(packet.routerAlert, null);
    assert.equal(packet.fragment, null);
    assert.deepEqual([...packet.payload], [...PAYLOAD]);
    assert.equal(packet.truncated, false);
  });

  it('walks Hop-by-Hop with Router Alert (MLD)', () => {
    const packet = decodeOk(encodeIPv6({ src: SRC, dst: DST, nextHeader: NEXT_HEADER_ICMPV6, extensionHeaders: [hopByHopRouterAlert(0)], payload: PAYLOAD }));
    assert.deepEqual(packet.extensionHeaders, [NEXT_HEADER_HOP_BY_HOP]);
    assert.equal(packet.routerAlert, 0);
    assert.equal(packet.nextHeader, NEXT_HEADER_ICMPV6);
    assert.deepEqual([...packet.payload], [...PAYLOAD]);
  });

  it('walks Hop-by-Hop + Destination Options + Fragment (first fragment) to the upper layer', () => {
    const packet = decodeOk(encodeIPv6({
      src: SRC, dst: DST, nextHeader: NEXT_HEADER_ICMPV6, payload: PAYLOAD,
      extensionHeaders: [
        optionsHeader(NEXT_HEADER_HOP_BY_HOP, [0, 1, 0, ...ipv6RouterAlertOption(2)]), // Pad1, PadN(0), RA 2
        optionsHeader(NEXT_HEADER_DESTINATION_OPTIONS, [1, 10, ...new Array(10).fill(0)]),
        fragmentHeader(0, true),
      ],
    }));
    assert.deepEqual(packet.extensionHeaders, [NEXT_HEADER_HOP_BY_HOP, NEXT_HEADER_DESTINATION_OPTIONS, NEXT_HEADER_FRAGMENT]);
    assert.equal(packet.routerAlert, 2);
    assert.deepEqual(packet.fragment, { offset: 0, moreFragments: true });
    assert.equal(packet.nextHeader, NEXT_HEADER_ICMPV6);
    assert.deepEqual([...packet.payload], [...PAYLOAD]);
  });

  it('stops at a later fragment', () => {
    const packet = decodeOk(encodeIPv6({
      src: SRC, dst: DST, nextHeader: 17, payload: PAYLOAD,
      extensionHeaders: [fragmentHeader(1232, false)],
    }));
    assert.deepEqual(packet.fragment, { offset: 1232, moreFragments: false });
    assert.equal(packet.nextHeader, 17);
    assert.equal(packet.payload.length, 8);
  });

  it('walks Routing and AH, stops at ESP', () => {
    const packet = decodeOk(encodeIPv6({
      src: '2001:db8::1', dst: 'ff0e::1', nextHeader: 17, payload: PAYLOAD,
      extensionHeaders: [routingHeader(2), authenticationHeader(12)],
    }));
    assert.deepEqual(packet.extensionHeaders, [NEXT_HEADER_ROUTING, NEXT_HEADER_AH]);
    assert.equal(packet.nextHeader, 17);
    assert.deepEqual([...packet.payload], [...PAYLOAD]);
    const esp = decodeOk(encodeIPv6({ src: '2001:db8::1', dst: 'ff0e::1', nextHeader: NEXT_HEADER_ESP, payload: PAYLOAD, extensionHeaders: [routingHeader()] }));
    assert.equal(esp.nextHeader, NEXT_HEADER_ESP);
    assert.equal(esp.payload.length, 8);
  });

  it('rejects a misplaced Hop-by-Hop header, bad option lengths and Jumbo Payload', () => {
    const misplaced = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, extensionHeaders: [routingHeader(), hopByHopRouterAlert()] });
    assert.equal(decodeError(misplaced).code, 'bad-value');
    const overrun = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, extensionHeaders: [optionsHeader(0, [1, 9, 0, 0])] });
    assert.equal(decodeError(overrun).code, 'bad-length');
    const badAlert = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, extensionHeaders: [optionsHeader(0, [5, 3, 0, 0, 0])] });
    assert.equal(decodeError(badAlert).code, 'bad-length');
    const jumbo = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, payloadLength: 0, extensionHeaders: [optionsHeader(0, [0xc2, 4, 0, 1, 0, 0])] });
    assert.equal(decodeError(jumbo).code, 'unsupported');
    const jumboInLength = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, extensionHeaders: [optionsHeader(0, [0xc2, 4, 0, 1, 0, 0])] });
    assert.equal(decodeError(jumboInLength).code, 'unsupported');
  });

  it('tells a chain longer than the payload length (bad-length) from a capture cut short (truncated)', () => {
    const packet = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD, payloadLength: 4, extensionHeaders: [hopByHopRouterAlert()] });
    assert.equal(decodeError(packet).code, 'bad-length');
  });

  it('rejects a wrong version', () => {
    const packet = encodeIPv6({ src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD });
    packet[0] = 0x45;
    assert.equal(decodeError(packet).code, 'bad-version');
  });

  it('flags a payload cut short and trims padding', () => {
    const packet = encodeIPv6({ src: SRC, dst: DST, nextHeader: 17, payload: PAYLOAD });
    const cut = decodeOk(packet.subarray(0, 44));
    assert.equal(cut.truncated, true);
    assert.equal(cut.payload.length, 4);
    const padded = new Uint8Array(packet.length + 6);
    padded.set(packet);
    assert.equal(decodeOk(padded).payload.length, 8);
  });

  it('fails without throwing at every truncation inside the header chain', () => {
    const packet = encodeIPv6({
      src: SRC, dst: DST, nextHeader: 58, payload: PAYLOAD,
      extensionHeaders: [hopByHopRouterAlert(), optionsHeader(NEXT_HEADER_DESTINATION_OPTIONS, [1, 4, 0, 0, 0, 0]), fragmentHeader(0, false)],
    });
    const chainEnd = packet.length - PAYLOAD.length;
    for (let length = 0; length < chainEnd; length++) {
      const error = decodeError(packet.subarray(0, length));
      assert.equal(error.code, 'truncated', `length ${length}`);
    }
    for (let length = chainEnd; length <= packet.length; length++) assert.ok(decodeIPv6(packet.subarray(0, length)).ok, `length ${length}`);
  });
});
