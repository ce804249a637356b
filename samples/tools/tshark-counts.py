#!/usr/bin/env python3
"""tshark-counts.py — count multicast message kinds in lab captures with tshark, as an independent ground truth.

    tshark-counts.py SCENARIO_DIR [-o OUT]   count SCENARIO_DIR/<scenario>.pcapng(.gz) per interface (= link) and
                                             each SCENARIO_DIR/pcap/<link>.pcap(.gz); write OUT
                                             (default SCENARIO_DIR/tshark-counts.json, "-" = stdout)
    tshark-counts.py CAPTURE... [-o OUT]     count arbitrary captures (pcapng: per interface name; pcap: per file
                                             stem); default OUT is stdout
    tshark-counts.py --self-test             classify hand-built frames covering every rule below, through tshark

The counting is done by tshark's dissectors only (fields read with `tshark -T fields`); none of mcast's code is
involved. Kind names are the stable schema of capture/message-kinds.ts.

Classification of one frame (the first, outermost IP header decides; a PIM Register's inner packet is not counted):
  1. Not IPv4/IPv6, or a non-first fragment (IPv4 fragment offset > 0, IPv6 fragment header with offset > 0):
     `other`. Reassembly is off, so a first fragment is classified by what its own bytes show.
  2. Checksums: with IPv4 header checksum verification on, a frame whose IPv4 header, IGMP, PIM or ICMPv6 checksum
     tshark flags bad is counted under `decodeErrors`, not as a message. (UDP checksums are not judged: a data
     packet is data at the IP layer.)
  3. Control, whatever the destination address:
     - IGMP (IPv4 protocol 2). Type 0x11 query, version by length (RFC 3376 §7.1): 8 bytes and Max Resp Code 0 →
       `igmp.v1.query`; 8 bytes otherwise → `igmp.v2.query.general|group`; ≥ 12 bytes → `igmp.v3.query.general`
       (group 0.0.0.0), `.group` (no sources) or `.group-source`; 9–11 bytes → `decodeErrors` (RFC: ignored).
       0x12 `igmp.v1.report`, 0x16 `igmp.v2.report`, 0x17 `igmp.v2.leave`, 0x22 `igmp.v3.report`; any other
       IGMP type (DVMRP, mtrace, PIMv1, ...) → `other`.
     - MLD (ICMPv6 130/131/132/143). 130 query, version by ICMPv6 length (RFC 3810 §8.1): 24 bytes → v1
       (`mld.v1.query.general` for address ::, else `.address`); ≥ 28 → `mld.v2.query.general|address|
       address-source`; other lengths → `decodeErrors`. 131 `mld.v1.report`, 132 `mld.v1.done`,
       143 `mld.v2.report`.
     - PIM (IP protocol 103) version 2, by type (RFC 7761 §4.9, 5059, 3973): 0 hello, 1 register (`pim.null-register`
       when the Register's N bit is set), 2 register-stop, 3 join-prune, 4 bootstrap, 5 assert, 6 graft,
       7 graft-ack, 8 c-rp-adv, 9 state-refresh; other types or versions → `other`.
  4. Data: any other IPv4 packet to 224.0.0.0/4 → `data.ipv4` (so OSPF to 224.0.0.5/6 counts as data), any other
     IPv6 packet to ff00::/8 → `data.ipv6` (so ICMPv6 neighbour discovery to ff02::1:ffXX:XXXX counts as data).
  5. Everything else → `other`.
Records: every IGMPv3 / MLDv2 report group record of types 1–6 counts under `igmp.v3.<TYPE>` / `mld.v2.<TYPE>`
(IS_IN, IS_EX, TO_IN, TO_EX, ALLOW, BLOCK), for reports counted as messages.

Output: { "tshark": version, "file": pcapng (relative to SCENARIO_DIR), "links": { link: { "frames", "messages":
{ every kind: n }, "records": { every record kind: n }, "decodeErrors": n, "decodeErrorFrames": [frame numbers in
the counted file], "pcapFile", "pcapMatches" } } }. "pcapMatches" says whether pcap/<link>.pcap(.gz) gives exactly the same counts as
that link's interface in the pcapng.
"""
import argparse
import ipaddress
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
from collections import Counter

MESSAGE_KINDS = [
    'igmp.v1.report', 'igmp.v2.report', 'igmp.v2.leave', 'igmp.v3.report',
    'igmp.v1.query', 'igmp.v2.query.general', 'igmp.v2.query.group',
    'igmp.v3.query.general', 'igmp.v3.query.group', 'igmp.v3.query.group-source',
    'mld.v1.query.general', 'mld.v1.query.address', 'mld.v1.report', 'mld.v1.done',
    'mld.v2.query.general', 'mld.v2.query.address', 'mld.v2.query.address-source', 'mld.v2.report',
    'pim.hello', 'pim.register', 'pim.null-register', 'pim.register-stop', 'pim.join-prune',
    'pim.assert', 'pim.bootstrap', 'pim.c-rp-adv', 'pim.graft', 'pim.graft-ack', 'pim.state-refresh',
    'data.ipv4', 'data.ipv6',
    'other',
]
GROUP_RECORD_TYPES = ['IS_IN', 'IS_EX', 'TO_IN', 'TO_EX', 'ALLOW', 'BLOCK']  # wire values 1..6
RECORD_KINDS = [f'igmp.v3.{t}' for t in GROUP_RECORD_TYPES] + [f'mld.v2.{t}' for t in GROUP_RECORD_TYPES]

FIELDS = [
    'frame.number', 'frame.interface_name', 'frame.protocols',
    'ip.dst', 'ip.proto', 'ip.len', 'ip.hdr_len', 'ip.frag_offset', 'ip.checksum.status',
    'ipv6.dst', 'ipv6.plen', 'ipv6.hopopts.len_oct', 'ipv6.dstopts.len_oct', 'ipv6.fraghdr.offset',
    'igmp.type', 'igmp.max_resp', 'igmp.maddr', 'igmp.num_src', 'igmp.record_type', 'igmp.checksum.status',
    'icmpv6.type', 'icmpv6.checksum.status', 'icmpv6.mld.multicast_address', 'icmpv6.mld.nb_sources',
    'icmpv6.mldr.mar.record_type',
    'pim.version', 'pim.type', 'pim.register_flag.null_register', 'pim.cksum.status',
]
FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
TSHARK_OPTIONS = ['-o', 'ip.check_checksum:TRUE', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE']

IGMP_PROTOCOL, PIM_PROTOCOL = 2, 103
IGMP_QUERY, IGMP_V1_REPORT, IGMP_V2_REPORT, IGMP_V2_LEAVE, IGMP_V3_REPORT = 0x11, 0x12, 0x16, 0x17, 0x22
IGMP_V12_LENGTH, IGMP_V3_QUERY_MIN_LENGTH = 8, 12
IGMP_OTHER_TYPES = {IGMP_V1_REPORT: 'igmp.v1.report', IGMP_V2_REPORT: 'igmp.v2.report',
                    IGMP_V2_LEAVE: 'igmp.v2.leave', IGMP_V3_REPORT: 'igmp.v3.report'}
MLD_QUERY, MLD_V1_REPORT, MLD_V1_DONE, MLD_V2_REPORT = 130, 131, 132, 143
MLD_V1_LENGTH, MLD_V2_QUERY_MIN_LENGTH = 24, 28
MLD_OTHER_TYPES = {MLD_V1_REPORT: 'mld.v1.report', MLD_V1_DONE: 'mld.v1.done', MLD_V2_REPORT: 'mld.v2.report'}
PIM_REGISTER = 1
PIM_TYPES = {0: 'pim.hello', 1: 'pim.register', 2: 'pim.register-stop', 3: 'pim.join-prune', 4: 'pim.bootstrap',
             5: 'pim.assert', 6: 'pim.graft', 7: 'pim.graft-ack', 8: 'pim.c-rp-adv', 9: 'pim.state-refresh'}
CHECKSUM_BAD = '0'  # tshark's *.checksum.status: 0 bad, 1 good, 2 unverified
IPV4_MULTICAST = ipaddress.ip_network('224.0.0.0/4')
UNSPECIFIED_V4, UNSPECIFIED_V6 = ipaddress.ip_address('0.0.0.0'), ipaddress.ip_address('::')
DECODE_ERROR = 'decodeError'


def values(row, field):
    """All occurrences of a field in one frame (outermost first)."""
    text = row[FIELD_INDEX[field]]
    return text.split(',') if text else []


def first(row, field):
    text = row[FIELD_INDEX[field]]
    return text.split(',', 1)[0] if text else None


def as_int(text):
    return int(text, 0) if text is not None else None


def classify_igmp(row, length):
    igmp_type = as_int(first(row, 'igmp.type'))
    if igmp_type != IGMP_QUERY:
        return IGMP_OTHER_TYPES.get(igmp_type, 'other')
    group_is_zero = ipaddress.ip_address(first(row, 'igmp.maddr') or '0.0.0.0') == UNSPECIFIED_V4
    if length == IGMP_V12_LENGTH:
        if as_int(first(row, 'igmp.max_resp') or '0') == 0:
            return 'igmp.v1.query'
        return 'igmp.v2.query.general' if group_is_zero else 'igmp.v2.query.group'
    if length >= IGMP_V3_QUERY_MIN_LENGTH:
        if group_is_zero:
            return 'igmp.v3.query.general'
        return 'igmp.v3.query.group' if as_int(first(row, 'igmp.num_src') or '0') == 0 else 'igmp.v3.query.group-source'
    return DECODE_ERROR


def classify_mld(row, icmp_type, length):
    if icmp_type != MLD_QUERY:
        return MLD_OTHER_TYPES[icmp_type]
    address_is_zero = ipaddress.ip_address(first(row, 'icmpv6.mld.multicast_address') or '::') == UNSPECIFIED_V6
    if length == MLD_V1_LENGTH:
        return 'mld.v1.query.general' if address_is_zero else 'mld.v1.query.address'
    if length >= MLD_V2_QUERY_MIN_LENGTH:
        if address_is_zero:
            return 'mld.v2.query.general'
        sources = as_int(first(row, 'icmpv6.mld.nb_sources') or '0')
        return 'mld.v2.query.address' if sources == 0 else 'mld.v2.query.address-source'
    return DECODE_ERROR


def classify_pim(row):
    if as_int(first(row, 'pim.version')) != 2:
        return 'other'
    pim_type = as_int(first(row, 'pim.type'))
    if pim_type == PIM_REGISTER and first(row, 'pim.register_flag.null_register') in ('1', 'True'):
        return 'pim.null-register'
    return PIM_TYPES.get(pim_type, 'other')


def checksum_bad(row, *fields):
    return any(first(row, field) == CHECKSUM_BAD for field in fields)


def classify(row):
    """(kind, record kinds) for one frame; kind may be DECODE_ERROR."""
    layers = (first(row, 'frame.protocols') or '').split(':')
    outer = next((layer for layer in layers if layer in ('ip', 'ipv6')), None)
    ipv4_dst = first(row, 'ip.dst')
    ipv6_dst = first(row, 'ipv6.dst')
    if outer == 'ip' and ipv4_dst is not None:
        if as_int(first(row, 'ip.frag_offset') or '0') > 0:
            return 'other', []
        if checksum_bad(row, 'ip.checksum.status'):
            return DECODE_ERROR, []
        protocol = as_int(first(row, 'ip.proto'))
        if protocol == IGMP_PROTOCOL and first(row, 'igmp.type') is not None:
            if checksum_bad(row, 'igmp.checksum.status'):
                return DECODE_ERROR, []
            length = as_int(first(row, 'ip.len')) - as_int(first(row, 'ip.hdr_len'))
            kind = classify_igmp(row, length)
            records = [f'igmp.v3.{GROUP_RECORD_TYPES[t - 1]}' for t in map(int, values(row, 'igmp.record_type'))
                       if 1 <= t <= 6] if kind == 'igmp.v3.report' else []
            return kind, records
        if protocol == PIM_PROTOCOL and first(row, 'pim.type') is not None:
            return (DECODE_ERROR, []) if checksum_bad(row, 'pim.cksum.status') else (classify_pim(row), [])
        return ('data.ipv4' if ipaddress.ip_address(ipv4_dst) in IPV4_MULTICAST else 'other'), []
    if outer == 'ipv6' and ipv6_dst is not None:
        if as_int(first(row, 'ipv6.fraghdr.offset') or '0') > 0:
            return 'other', []
        icmp_type = as_int(first(row, 'icmpv6.type'))
        if icmp_type in (MLD_QUERY, MLD_V1_REPORT, MLD_V1_DONE, MLD_V2_REPORT):
            if checksum_bad(row, 'icmpv6.checksum.status'):
                return DECODE_ERROR, []
            extension_bytes = sum(int(v) for v in values(row, 'ipv6.hopopts.len_oct') + values(row, 'ipv6.dstopts.len_oct'))
            length = as_int(first(row, 'ipv6.plen')) - extension_bytes
            kind = classify_mld(row, icmp_type, length)
            records = [f'mld.v2.{GROUP_RECORD_TYPES[t - 1]}' for t in map(int, values(row, 'icmpv6.mldr.mar.record_type'))
                       if 1 <= t <= 6] if kind == 'mld.v2.report' else []
            return kind, records
        if first(row, 'pim.type') is not None:
            return (DECODE_ERROR, []) if checksum_bad(row, 'pim.cksum.status') else (classify_pim(row), [])
        if icmp_type is not None and checksum_bad(row, 'icmpv6.checksum.status'):
            return DECODE_ERROR, []
        return ('data.ipv6' if ipv6_dst.lower().startswith('ff') else 'other'), []
    return 'other', []


def empty_counts():
    return {'frames': 0, 'messages': {kind: 0 for kind in MESSAGE_KINDS},
            'records': {kind: 0 for kind in RECORD_KINDS}, 'decodeErrors': 0, 'decodeErrorFrames': []}


def frame_rows(capture):
    """One list of field texts per frame (see FIELDS), as tshark dissects them."""
    command = ['tshark', '-n', '-r', capture, *TSHARK_OPTIONS, '-T', 'fields', '-E', 'separator=\t',
               '-E', 'occurrence=a', '-E', 'aggregator=,', '-E', 'quote=n']
    for field in FIELDS:
        command += ['-e', field]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f'tshark failed on {capture}: {run.stderr.strip()}')
    for line in run.stdout.splitlines():
        row = line.split('\t')
        yield row + [''] * (len(FIELDS) - len(row))


def count(capture, link_of_frame):
    """Counts per link for one capture file; link_of_frame(interface_name) names the link."""
    links = {}
    for row in frame_rows(capture):
        link = links.setdefault(link_of_frame(first(row, 'frame.interface_name')), empty_counts())
        link['frames'] += 1
        kind, records = classify(row)
        if kind == DECODE_ERROR:
            link['decodeErrors'] += 1
            link['decodeErrorFrames'].append(int(first(row, 'frame.number')))
            continue
        link['messages'][kind] += 1
        for record in records:
            link['records'][record] += 1
    return links


def tshark_version():
    text = subprocess.run(['tshark', '--version'], check=True, capture_output=True, text=True).stdout
    match = re.search(r'TShark \(Wireshark\) (\S+)', text)
    return match.group(1) if match else text.splitlines()[0]


def find(directory, stem):
    for name in (stem, stem + '.gz'):
        if os.path.exists(os.path.join(directory, name)):
            return name
    return None


def comparable(counts):
    """Counts without what depends on the file (frame numbers, file names)."""
    return {key: counts[key] for key in ('frames', 'messages', 'records', 'decodeErrors')}


def count_scenario(directory):
    scenario = os.path.basename(os.path.normpath(directory))
    pcapng = find(directory, scenario + '.pcapng')
    if pcapng is None:
        sys.exit(f'no {scenario}.pcapng(.gz) in {directory}')
    links = count(os.path.join(directory, pcapng), lambda interface: interface)
    for link, counts in links.items():
        pcap = find(os.path.join(directory, 'pcap'), link + '.pcap')
        counts['pcapFile'] = f'pcap/{pcap}' if pcap else None
        if pcap:
            per_file = count(os.path.join(directory, 'pcap', pcap), lambda interface: link)
            counts['pcapMatches'] = comparable(per_file.get(link, empty_counts())) == comparable(counts)
    return {'tshark': tshark_version(), 'file': pcapng, 'links': dict(sorted(links.items()))}


def count_files(paths):
    links = {}
    for path in paths:
        stem = re.sub(r'\.(pcapng|pcap)(\.gz)?$', '', os.path.basename(path))
        for link, counts in count(path, lambda interface: interface or stem).items():
            links[link if link not in links else f'{stem}:{link}'] = counts
    return {'tshark': tshark_version(), 'file': paths[0] if len(paths) == 1 else paths, 'links': links}


def self_test():
    """Classify hand-built frames (one per rule above) through tshark and check every kind."""
    def checksum(data):
        data += b'\0' * (len(data) % 2)
        total = sum(struct.unpack(f'!{len(data) // 2}H', data))
        while total >> 16:
            total = (total & 0xffff) + (total >> 16)
        return ~total & 0xffff

    def with_checksum(data, at, corrupt=False, covered=None):
        value = checksum(data[:covered] if covered else data) ^ (0x1111 if corrupt else 0)
        return data[:at] + struct.pack('!H', value) + data[at + 2:]

    def ipv4(protocol, dst, payload, fragment=0, router_alert=False, corrupt=False):
        options = b'\x94\x04\x00\x00' if router_alert else b''
        header = struct.pack('!BBHHHBBH4s4s', 0x40 | (20 + len(options)) // 4, 0, 20 + len(options) + len(payload),
                             1, fragment, 1, protocol, 0, socket.inet_aton('10.0.0.1'), socket.inet_aton(dst))
        return 0x0800, with_checksum(header + options, 10, corrupt) + payload

    def igmp(igmp_type, max_resp, group, tail=b'', corrupt=False):
        return with_checksum(struct.pack('!BBH4s', igmp_type, max_resp, 0, socket.inet_aton(group)) + tail, 2, corrupt)

    def ipv6_icmp(dst, icmp_type, body, hop_by_hop=True):
        src6, dst6 = socket.inet_pton(socket.AF_INET6, 'fe80::1'), socket.inet_pton(socket.AF_INET6, dst)
        message = struct.pack('!BBH', icmp_type, 0, 0) + body
        pseudo = src6 + dst6 + struct.pack('!I3xB', len(message), 58)
        message = message[:2] + struct.pack('!H', checksum(pseudo + message)) + message[4:]
        extension = struct.pack('!BB', 58, 0) + b'\x05\x02\x00\x00\x01\x00' if hop_by_hop else b''
        header = struct.pack('!IHBB', 0x60000000, len(extension) + len(message), 0 if hop_by_hop else 58, 1)
        return 0x86dd, header + src6 + dst6 + extension + message

    def pim(pim_type, body):
        message = struct.pack('!BBH', 0x20 | pim_type, 0, 0) + body
        return with_checksum(message, 2, covered=8 if pim_type == 1 else None)

    address6 = lambda text: socket.inet_pton(socket.AF_INET6, text)
    records4 = struct.pack('!BBH4s', 4, 0, 0, socket.inet_aton('239.1.1.1')) + \
        struct.pack('!BBH4s4s', 6, 0, 1, socket.inet_aton('232.1.1.1'), socket.inet_aton('10.9.9.9'))
    records6 = struct.pack('!BBH16s', 4, 0, 0, address6('ff05::1')) + struct.pack('!BBH16s', 3, 0, 0, address6('ff05::2'))
    inner = ipv4(17, '239.1.1.1', b'data')[1]
    cases = [
        ('igmp.v1.query', ipv4(2, '224.0.0.1', igmp(0x11, 0, '0.0.0.0'))),
        ('igmp.v2.query.general', ipv4(2, '224.0.0.1', igmp(0x11, 100, '0.0.0.0'))),
        ('igmp.v2.query.group', ipv4(2, '239.1.1.1', igmp(0x11, 10, '239.1.1.1'))),
        ('igmp.v3.query.general', ipv4(2, '224.0.0.1', igmp(0x11, 100, '0.0.0.0', b'\x02\x7d\x00\x00'))),
        ('igmp.v3.query.group', ipv4(2, '239.1.1.1', igmp(0x11, 10, '239.1.1.1', b'\x02\x7d\x00\x00'))),
        ('igmp.v3.query.group-source', ipv4(2, '239.1.1.1', igmp(0x11, 10, '239.1.1.1',
                                                                   b'\x02\x7d\x00\x01' + socket.inet_aton('10.9.9.9')))),
        (DECODE_ERROR, ipv4(2, '239.1.1.1', igmp(0x11, 10, '239.1.1.1', b'\x02\x7d'))),
        ('igmp.v1.report', ipv4(2, '239.1.1.1', igmp(0x12, 0, '239.1.1.1'))),
        ('igmp.v2.report', ipv4(2, '239.1.1.1', igmp(0x16, 0, '239.1.1.1'), router_alert=True)),
        ('igmp.v2.leave', ipv4(2, '224.0.0.2', igmp(0x17, 0, '239.1.1.1'), router_alert=True)),
        ('igmp.v3.report', ipv4(2, '224.0.0.22', with_checksum(struct.pack('!BBHHH', 0x22, 0, 0, 0, 2) + records4, 2))),
        (DECODE_ERROR, ipv4(2, '224.0.0.2', igmp(0x17, 0, '239.1.1.1', corrupt=True))),
        (DECODE_ERROR, ipv4(17, '239.1.1.1', b'x' * 16, corrupt=True)),
        ('other', ipv4(17, '239.1.1.1', b'x' * 16, fragment=0x2001)),
        ('data.ipv4', ipv4(17, '239.1.1.1', struct.pack('!HHHH', 1, 2, 24, 0) + b'x' * 16, fragment=0x2000)),
        ('data.ipv4', ipv4(89, '224.0.0.5', b'x' * 24)),
        ('other', ipv4(17, '10.0.0.2', struct.pack('!HHHH', 1, 2, 12, 0) + b'abcd')),
        ('pim.hello', ipv4(103, '224.0.0.13', pim(0, struct.pack('!HHH', 1, 2, 105)))),
        ('pim.register', ipv4(103, '10.255.0.2', pim(1, struct.pack('!I', 0) + inner))),
        ('pim.null-register', ipv4(103, '10.255.0.2', pim(1, struct.pack('!I', 0x40000000) + inner))),
        ('mld.v1.query.general', ipv6_icmp('ff02::1', 130, struct.pack('!HH16s', 1000, 0, bytes(16)))),
        ('mld.v2.query.address-source', ipv6_icmp('ff05::2', 130, struct.pack('!HH16s', 1000, 0, address6('ff05::2')) +
                                                  struct.pack('!BBH16s', 2, 125, 1, address6('fd00::9')))),
        ('mld.v1.done', ipv6_icmp('ff02::2', 132, struct.pack('!HH16s', 0, 0, address6('ff05::2')))),
        ('mld.v2.report', ipv6_icmp('ff02::16', 143, struct.pack('!HH', 0, 2) + records6)),
        ('data.ipv6', ipv6_icmp('ff02::1:ff00:9', 135, struct.pack('!I16s', 0, address6('fe80::9')), hop_by_hop=False)),
        ('other', (0x0806, bytes(28))),
    ]
    expected_records = {'igmp.v3.TO_EX': 1, 'igmp.v3.BLOCK': 1, 'mld.v2.TO_EX': 1, 'mld.v2.TO_IN': 1}
    with tempfile.NamedTemporaryFile(suffix='.pcap') as capture:
        capture.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (_, (ethertype, packet)) in enumerate(cases):
            frame = b'\x01\x00\x5e\x00\x00\x01\x02\x00\x00\x00\x00\x01' + struct.pack('!H', ethertype) + packet
            capture.write(struct.pack('<IIII', 1_700_000_000 + i, 0, len(frame), len(frame)) + frame)
        capture.flush()
        results = [classify(row) for row in frame_rows(capture.name)]
    failures = [f'frame {i + 1}: expected {want}, got {got[0]}'
                for i, ((want, _), got) in enumerate(zip(cases, results)) if want != got[0]]
    records = Counter(record for _, found in results for record in found)
    if records != Counter(expected_records):
        failures.append(f'records: expected {expected_records}, got {dict(records)}')
    if len(results) != len(cases):
        failures.append(f'tshark read {len(results)} frames of {len(cases)}')
    print('\n'.join(failures) or f'self-test: {len(cases)} frames classified as expected')
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('inputs', nargs='*', help='a scenario directory, or capture files')
    parser.add_argument('-o', '--output', help='output file ("-" = stdout)')
    parser.add_argument('--self-test', action='store_true', help='check the classification on built frames')
    args = parser.parse_args()
    if args.self_test:
        sys.exit(self_test())
    if not args.inputs:
        parser.error('give a scenario directory or capture files')
    if len(args.inputs) == 1 and os.path.isdir(args.inputs[0]):
        result = count_scenario(args.inputs[0])
        output = args.output or os.path.join(args.inputs[0], 'tshark-counts.json')
    else:
        result = count_files(args.inputs)
        output = args.output or '-'
    text = json.dumps(result, indent=1) + '\n'
    if output == '-':
        sys.stdout.write(text)
    else:
        with open(output, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
