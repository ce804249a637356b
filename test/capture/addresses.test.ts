import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupMac, isMulticast, isSsmGroup, macMatchesGroup, multicastScope, wellKnownGroupName } from '../../capture/addresses.js';
import { parseIPv4 } from '../../capture/ip/address-format.js';

describe('isMulticast', () => {
  const cases: [string, boolean][] = [
    ['224.0.0.0', true], ['239.255.255.255', true], ['223.255.255.255', false], ['240.0.0.0', false], ['10.0.0.1', false],
    ['ff02::1', true], ['ff3e::8000:1', true], ['fe80::1', false], ['2001:db8::1', false], ['::', false],
    ['not an address', false], ['300.1.1.1', false],
  ];
  for (const [address, expected] of cases) it(`${address} → ${expected}`, () => assert.equal(isMulticast(address), expected));
  it('takes raw bytes', () => {
    assert.equal(isMulticast(Uint8Array.of(239, 1, 1, 1)), true);
    assert.equal(isMulticast(Uint8Array.of(1, 2, 3)), false);
  });
});

describe('multicastScope', () => {
  const ipv4: [string, string, number | null][] = [
    ['224.0.0.1', 'link-local', null], ['224.0.0.255', 'link-local', null], ['224.0.1.39', 'internetwork-control', null],
    ['224.0.2.1', 'ad-hoc', null], ['224.2.127.254', 'sdp-sap', null], ['224.3.0.1', 'ad-hoc', null],
    ['225.1.1.1', 'global', null], ['232.1.1.1', 'ssm', null], ['233.252.0.1', 'ad-hoc', null],
    ['233.3.233.1', 'glop', 0x03e9], ['233.251.255.255', 'glop', 64511], ['234.10.0.1', 'unicast-prefix-based', null],
    ['239.255.255.250', 'admin-scoped', null], ['239.192.0.1', 'admin-scoped', null],
  ];
  for (const [group, block, glopAs] of ipv4) {
    it(`${group} → ${block}`, () => assert.deepEqual(multicastScope(group), { family: 4, block, glopAs }));
  }

  const ipv6: [string, string, number, boolean, boolean, boolean, boolean][] = [
    // group, scope, value, R, P, T, ssm
    ['ff01::1', 'interface-local', 1, false, false, false, false],
    ['ff02::1', 'link-local', 2, false, false, false, false],
    ['ff03::1', 'realm-local', 3, false, false, false, false],
    ['ff14::1', 'admin-local', 4, false, false, true, false],
    ['ff05::1:3', 'site-local', 5, false, false, false, false],
    ['ff18::1', 'organization-local', 8, false, false, true, false],
    ['ff1e::1', 'global', 0xe, false, false, true, false],
    ['ff3e::8000:1', 'global', 0xe, false, true, true, true],
    ['ff35::1', 'site-local', 5, false, true, true, true],
    ['ff3e:30:2001:db8::1', 'global', 0xe, false, true, true, false],
    ['ff7e:140:2001:db8::1', 'global', 0xe, true, true, true, false],
    ['ff06::1', 'unassigned', 6, false, false, false, false],
    ['ff00::1', 'reserved', 0, false, false, false, false],
  ];
  for (const [group, scope, scopeValue, embeddedRendezvousPoint, prefixBased, transient, ssm] of ipv6) {
    it(`${group} → ${scope}`, () => {
      assert.deepEqual(multicastScope(group), { family: 6, scope, scopeValue, embeddedRendezvousPoint, prefixBased, transient, ssm });
    });
  }

  it('is null for unicast', () => {
    assert.equal(multicastScope('10.0.0.1'), null);
    assert.equal(multicastScope('fe80::1'), null);
  });
});

describe('isSsmGroup', () => {
  const cases: [string, boolean][] = [
    ['232.0.0.0', true], ['232.255.255.255', true], ['231.1.1.1', false], ['233.1.1.1', false],
    ['ff3e::8000:1', true], ['ff35::1', true], ['ff3e:30:2001:db8::1', false], ['ff1e::1', false], ['ff0e::1', false],
  ];
  for (const [group, expected] of cases) it(`${group} → ${expected}`, () => assert.equal(isSsmGroup(group), expected));
});

describe('wellKnownGroupName', () => {
  const cases: [string, string | null][] = [
    ['224.0.0.1', 'all-systems'], ['224.0.0.2', 'all-routers'], ['224.0.0.5', 'ospf-all-routers'],
    ['224.0.0.6', 'ospf-designated-routers'], ['224.0.0.9', 'rip2-routers'], ['224.0.0.13', 'all-pim-routers'],
    ['224.0.0.18', 'vrrp'], ['224.0.0.22', 'igmpv3-reports'], ['224.0.0.102', 'hsrpv2'], ['224.0.0.251', 'mdns'],
    ['224.0.0.252', 'llmnr'], ['224.0.1.39', 'cisco-rp-announce'], ['224.0.1.40', 'cisco-rp-discovery'],
    ['224.0.1.129', 'ptp-primary'], ['224.0.1.132', 'ptp-alternate-3'], ['239.255.255.250', 'ssdp'],
    ['ff02::1', 'all-nodes'], ['ff02::2', 'all-routers'], ['ff02::5', 'ospfv3-all-spf-routers'], ['ff02::6', 'ospfv3-designated-routers'],
    ['ff02::9', 'ripng-routers'], ['ff02::d', 'all-pim-routers'], ['ff02::16', 'mldv2-reports'], ['ff02::fb', 'mdns'],
    ['ff02::1:2', 'all-dhcp-agents'], ['ff05::1:3', 'all-dhcp-servers'],
    ['ff02::1:ff00:1', 'solicited-node'], ['ff02::1:ffab:cdef', 'solicited-node'], ['ff02:0:0:0:0:1:ff12:3456', 'solicited-node'],
    ['FF02::D', 'all-pim-routers'], ['ff02:0::0:16', 'mldv2-reports'],
    ['239.1.1.1', null], ['ff0e::1234', null], ['ff02::1:fe00:1', null], ['garbage', null],
  ];
  for (const [group, name] of cases) it(`${group} → ${name}`, () => assert.equal(wellKnownGroupName(group), name));
});

describe('groupMac and macMatchesGroup', () => {
  const cases: [string, string][] = [
    ['224.0.0.1', '01:00:5e:00:00:01'], ['239.255.255.250', '01:00:5e:7f:ff:fa'], ['224.128.0.1', '01:00:5e:00:00:01'],
    ['232.1.2.3', '01:00:5e:01:02:03'], ['ff02::1', '33:33:00:00:00:01'], ['ff02::1:ff12:3456', '33:33:ff:12:34:56'],
    ['ff3e::8000:1', '33:33:80:00:00:01'],
  ];
  for (const [group, mac] of cases) {
    it(`${group} → ${mac}`, () => {
      assert.equal(groupMac(group), mac);
      assert.equal(macMatchesGroup(mac, group), true);
      assert.equal(macMatchesGroup(mac.toUpperCase(), group), true);
      assert.equal(macMatchesGroup(Uint8Array.from(mac.split(':').map((byte) => parseInt(byte, 16))), group), true);
    });
  }

  it('is null / false for unicast', () => {
    assert.equal(groupMac('10.0.0.1'), null);
    assert.equal(macMatchesGroup('01:00:5e:00:00:01', '10.0.0.1'), false);
  });

  it('rejects other MACs', () => {
    assert.equal(macMatchesGroup('01:00:5e:00:00:02', '224.0.0.1'), false);
    assert.equal(macMatchesGroup('01:00:5e:80:00:01', '224.0.0.1'), false);
    assert.equal(macMatchesGroup(Uint8Array.of(0x33, 0x33, 0, 0, 0, 1), '224.0.0.1'), false);
    assert.equal(macMatchesGroup(Uint8Array.of(0x01, 0x00, 0x5e, 0, 0, 1), 'ff02::1'), false);
    assert.equal(macMatchesGroup(Uint8Array.of(0x01, 0x00, 0x5e), '224.0.0.1'), false);
  });

  it('maps exactly 32 IPv4 groups to each MAC (the 5 lost bits)', () => {
    for (const low of ['0.0.1', '1.2.3', '127.255.255', '85.170.85']) {
      const mac = groupMac(`224.${low}`)!;
      const sharers: string[] = [];
      for (let first = 224; first <= 239; first++) {
        for (const high of [0, 128]) {
          const [b, c, d] = low.split('.').map(Number) as [number, number, number];
          const group = `${first}.${b | high}.${c}.${d}`;
          if (macMatchesGroup(mac, group)) sharers.push(group);
        }
      }
      assert.equal(sharers.length, 32, low);
      assert.equal(new Set(sharers.map((group) => groupMac(group))).size, 1, low);
    }
  });

  it('keeps the low 23 bits for random groups, the low 32 bits for IPv6', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let i = 0; i < 2000; i++) {
      const value = (0xe0000000 | (next() & 0x0fffffff)) >>> 0;
      const group = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
      const mac = groupMac(group)!.split(':').map((byte) => parseInt(byte, 16));
      assert.deepEqual(mac.slice(0, 3), [0x01, 0x00, 0x5e]);
      assert.equal(((mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0, value & 0x7fffff, group);
      assert.equal(macMatchesGroup(Uint8Array.from(mac), parseIPv4(group)!), true);
      const tail = next();
      const v6 = `ff0e::${(tail >>> 16).toString(16)}:${(tail & 0xffff).toString(16)}`;
      const mac6 = groupMac(v6)!.split(':').map((byte) => parseInt(byte, 16));
      assert.deepEqual(mac6.slice(0, 2), [0x33, 0x33]);
      assert.equal(((mac6[2]! << 24) | (mac6[3]! << 16) | (mac6[4]! << 8) | mac6[5]!) >>> 0, tail, v6);
    }
  });
});
