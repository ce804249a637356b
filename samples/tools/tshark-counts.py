#!/usr/bin/env python3
"""tshark-counts.py — count multicast message kinds in lab captures with tshark, as an independent ground truth.

    tshark-counts.py SCENARIO_DIR [-o OUT]   count SCENARIO_DIR/<scenario>.pcapng(.gz) per interface (= link) and
                                             each SCENARIO_DIR/pcap/<link>.pcap(.gz); write OUT
                                             (default SCENARIO_DIR/tshark-counts.json, "-" = stdout)
    tshark-counts.py CAPTURE... [-o OUT]     count arbitrary captures (pcapng: per interface name; pcap: per file
                                             stem); default OUT is stdout

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
import subprocess
import sys
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


FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}


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


def count(capture, link_of_frame):
    """Counts per link for one capture file; link_of_frame(interface_name) names the link."""
    command = ['tshark', '-n', '-r', capture, *TSHARK_OPTIONS, '-T', 'fields', '-E', 'separator=\t',
               '-E', 'occurrence=a', '-E', 'aggregator=,', '-E', 'quote=n']
    for field in FIELDS:
        command += ['-e', field]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f'tshark failed on {capture}: {run.stderr.strip()}')
    output = run.stdout
    links = {}
    for line in output.splitlines():
        row = line.split('\t')
        row += [''] * (len(FIELDS) - len(row))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('inputs', nargs='+', help='a scenario directory, or capture files')
    parser.add_argument('-o', '--output', help='output file ("-" = stdout)')
    args = parser.parse_args()
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
