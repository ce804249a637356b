/** The pimd lab's truth parsers (pimd-truth.ts) on text as pimd 2.3.2, iproute2 and Linux write it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeHostGroups, parseHostGroups, parseIpMrVif, parseKernelMroute, parsePimdDump } from './pimd-truth.js';

const DUMP = [
  'Virtual Interface Table ======================================================',
  'Vif  Local Address    Subnet              Thresh  Flags      Neighbors',
  '---  ---------------  ------------------  ------  ---------  -----------------',
  '  0  10.0.45.5        10.0.45/24               1  DR PIM     10.0.45.4      ',
  '  1  10.3.0.2         10.3/24                  1  DR PIM     10.3.0.1       ',
  `${' '.repeat(61)}10.3.0.9       `,
  '  2  10.0.45.5        register_vif0            1 ',
  '',
  ' Vif  SSM Group        Sources             ',
  '   1  232.1.1.1       10.1.0.10 ',
  '',
  'Multicast Routing Table ======================================================',
  '----------------------------------- (*,G) ------------------------------------',
  'Source           Group            RP Address       Flags',
  '---------------  ---------------  ---------------  ---------------------------',
  'INADDR_ANY       239.1.1.1        10.0.34.4        WC RP CACHE',
  'Joined   oifs: ...                 ',
  'Pruned   oifs: ...                 ',
  'Leaves   oifs: .l.                 ',
  'Asserted oifs: ...                 ',
  'Outgoing oifs: .o.                 ',
  'Incoming     : I..                 ',
  '',
  'TIMERS:  Entry    JP    RS  Assert VIFS:  0  1  2',
  '             0     5     0       0        0  0  0',
  '----------------------------------- (S,G) ------------------------------------',
  'Source           Group            RP Address       Flags',
  '---------------  ---------------  ---------------  ---------------------------',
  '10.1.0.10        239.1.1.1        10.0.34.4        SPT CACHE SG',
  'Joined   oifs: j.j                 ',
  'Pruned   oifs: .p.                 ',
  'Leaves   oifs: ...                 ',
  'Asserted oifs: ...                 ',
  'Outgoing oifs: o.o                 ',
  'Incoming     : I..                 ',
  '--------------------------------- (*,*,G) ------------------------------------',
  'Number of Groups: 1',
  'Number of Cache MIRRORs: 2',
  '------------------------------------------------------------------------------',
  '',
].join('\n');

test('pimd dump: virtual interfaces with flags and neighbors, SSM groups, (*,G) and (S,G) routes', () => {
  const dump = parsePimdDump(DUMP);
  assert.deepEqual(dump.vifs.map((vif) => [vif.index, vif.local, vif.subnet, vif.flags, vif.neighbors]), [
    [0, '10.0.45.5', '10.0.45/24', ['DR', 'PIM'], ['10.0.45.4']],
    [1, '10.3.0.2', '10.3/24', ['DR', 'PIM'], ['10.3.0.1', '10.3.0.9']],
    [2, '10.0.45.5', 'register_vif0', [], []],
  ]);
  assert.deepEqual(dump.ssmGroups, [{ vif: 1, group: '232.1.1.1', sources: ['10.1.0.10'] }]);
  assert.equal(dump.routes.length, 2);
  assert.deepEqual(dump.routes[0], {
    kind: '*,G', source: '*', group: '239.1.1.1', rp: '10.0.34.4', flags: ['WC', 'RP', 'CACHE'],
    joined: [], pruned: [], leaves: [1], asserted: [], outgoing: [1], incoming: 0,
  });
  assert.deepEqual(dump.routes[1], {
    kind: 'S,G', source: '10.1.0.10', group: '239.1.1.1', rp: '10.0.34.4', flags: ['SPT', 'CACHE', 'SG'],
    joined: [0, 2], pruned: [1], leaves: [], asserted: [], outgoing: [0, 2], incoming: 0,
  });
});

test('kernel: vif names and the cache as ip mroute prints it', () => {
  assert.deepEqual([...parseIpMrVif('Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n 0 eth0          67840     530         0       0 00000 052D000A 00000000\n 2 pimreg            0       0         0       0 00004 052D000A 00000000\n')],
    [[0, 'eth0'], [2, 'pimreg']]);
  assert.deepEqual(parseKernelMroute([
    '(10.1.0.10,232.1.1.1)            Iif: eth0       Oifs: eth1 eth2 pimreg  State: resolved',
    '(10.1.0.10,239.1.1.1)            Iif: unresolved  State: unresolved',
    '(10.2.0.20,239.1.1.1)            Iif: eth0       State: resolved',
  ].join('\n')), [
    { source: '10.1.0.10', group: '232.1.1.1', iif: 'eth0', oifs: ['eth1', 'eth2', 'pimreg'] },
    { source: '10.1.0.10', group: '239.1.1.1', iif: null, oifs: [] },
    { source: '10.2.0.20', group: '239.1.1.1', iif: 'eth0', oifs: [] },
  ]);
});

test('hosts: groups with their filter from /proc/net/igmp, mcfilter, igmp6, mcfilter6', () => {
  const groups = parseHostGroups({
    '/proc/net/igmp': 'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n2\teth0      :     3      V3\n\t\t\t\t010101EF     1 0:00000000\t\t1\n\t\t\t\t010101E8     1 0:00000000\t\t1\n\t\t\t\t010000E0     1 0:00000000\t\t0\n',
    '/proc/net/mcfilter': 'Idx Device        MCA        SRC    INC    EXC\n  2   eth0 0xef010101 0x0a020014      0      1\n  2   eth0 0xe8010101 0x0a01000a      1      0\n',
    '/proc/net/igmp6': '2    eth0            ff3e0000000000000000000080000001     1 00000004 0\n2    eth0            ff150000000000000000000000000101     1 00000004 0\n',
    '/proc/net/mcfilter6': 'Idx Device                Multicast Address                   Source Address    INC    EXC\n  2 eth0            ff3e0000000000000000000080000001 fd000003000000000000000000000030      1      0\n',
  });
  assert.deepEqual(groups.filter((entry) => entry.device === 'eth0').map((entry) => [entry.group, entry.version, entry.mode, entry.sources]), [
    ['239.1.1.1', 3, 'EXCLUDE', ['10.2.0.20']],
    ['232.1.1.1', 3, 'INCLUDE', ['10.1.0.10']],
    ['224.0.0.1', 3, 'EXCLUDE', []],
    ['ff3e::8000:1', null, 'INCLUDE', ['fd00:3::30']],
    ['ff15::101', null, 'EXCLUDE', []],
  ]);
});

test('hosts of one link merge as RFC 3376 §3.2 says; an IGMPv2 member makes it EXCLUDE {}', () => {
  const member = (mode: 'INCLUDE' | 'EXCLUDE', sources: string[], version = 3) => ({ device: 'eth0', group: '239.1.1.1', version, mode, sources });
  assert.deepEqual(mergeHostGroups([member('EXCLUDE', ['s1', 's2']), member('EXCLUDE', ['s2', 's3'])]), { mode: 'EXCLUDE', sources: ['s2'] });
  assert.deepEqual(mergeHostGroups([member('EXCLUDE', ['s1', 's2']), member('INCLUDE', ['s2'])]), { mode: 'EXCLUDE', sources: ['s1'] });
  assert.deepEqual(mergeHostGroups([member('INCLUDE', ['s2']), member('INCLUDE', ['s1'])]), { mode: 'INCLUDE', sources: ['s1', 's2'] });
  assert.deepEqual(mergeHostGroups([member('EXCLUDE', ['s1']), member('EXCLUDE', [], 2)]), { mode: 'EXCLUDE', sources: [] });
});
