#!/usr/bin/env python3
"""pim-bsr-speaker.py — a minimal PIMv2 Bootstrap Router and Candidate-RP for the labs (python3 stdlib only).

Debian's FRR 8.4 pimd is a BSR client only: it accepts and forwards Bootstrap messages but can be neither a
candidate BSR nor a candidate RP. This script plays those two missing parts on raw IP sockets (protocol 103), so
that a lab shows RFC 5059 Bootstrap and Candidate-RP-Advertisement messages and routers learning their RP from them.

    pim-bsr-speaker.py bsr --address A [--interval S] [--hello-interval S] [--priority P] [--hash-mask-len N]
    pim-bsr-speaker.py crp --bsr B --rp-address A [--group G/LEN ...] [--priority P] [--interval S] [--holdtime S]

  bsr  Runs in a namespace of its own on a LAN shared with an FRR router; A is its address on that LAN.
       - Sends PIM Hellos (RFC 7761 §4.9.2: Holdtime, DR Priority 0 so it never becomes DR, Generation ID) to
         224.0.0.13 every --hello-interval, so the router takes it as a PIM neighbor: FRR only accepts a Bootstrap
         whose IP source is its RPF neighbor towards the BSR address (RFC 5059 §3.1.3), here the speaker itself.
       - Receives C-RP-Advertisements (unicast to A) and keeps the RP-set: one entry per (group prefix, RP), with
         the advertised priority and holdtime, dropped when the holdtime runs out (RFC 5059 §3.3).
       - Every --interval originates a Bootstrap (RFC 5059 §4.1) to 224.0.0.13, TTL 1, from A, with BSR address A:
         fragment tag (new random value per message), hash mask length, BSR priority, and the RP-set grouped by
         prefix; each RP with its holdtime and priority as advertised. An empty RP-set gives a Bootstrap with no
         group (the RP-set is empty). It is always the elected BSR: there is no candidate-BSR election.
       - On SIGTERM/SIGINT sends a Hello with holdtime 0 (goodbye, RFC 7761 §4.3.1) and exits.
  crp  Runs in the namespace of the FRR router that should be an RP; A is that router's address announced in the
       IGP (its loopback). Every --interval sends a C-RP-Advertisement (RFC 5059 §4.2) unicast to the BSR address B,
       from A, with the prefix count, priority, holdtime (default 2.5 x interval, as RFC 5059's 60 s / 150 s) and
       the group prefixes (default 224.0.0.0/4). On SIGTERM/SIGINT it simply stops: it does not withdraw
       (holdtime 0), so the BSR and the routers show the RP timing out.

Lower priority values are preferred, for the BSR's RP-set order and the routers' RP choice (RFC 7761 §4.7.1).
Every message and every RP-set change is logged on stdout, one line each, with an epoch timestamp.

Wire formats (RFC 7761 §4.9, §4.9.1 encoded addresses; RFC 5059 §4.1, §4.2):
  PIM header        4 bytes: version 2 | type (0 Hello, 4 Bootstrap, 8 C-RP-Adv), reserved, checksum (RFC 1071
                    over the whole PIM message; no pseudo-header for IPv4)
  Encoded-Unicast   6 bytes: address family 1 (IPv4), encoding type 0, address
  Encoded-Group     8 bytes: family 1, encoding 0, flags (B, Z bits: 0), mask length, group address
  Bootstrap         fragment tag (2), hash mask len (1), BSR priority (1), BSR address (Encoded-Unicast); per group:
                    Encoded-Group, RP count (1), fragment RP count (1), reserved (2); per RP: Encoded-Unicast,
                    holdtime (2), priority (1), reserved (1)
  C-RP-Adv          prefix count (1), priority (1), holdtime (2), RP address (Encoded-Unicast), Encoded-Group × count
"""
import argparse
import ipaddress
import random
import select
import signal
import socket
import struct
import sys
import time

IPPROTO_PIM = 103
ALL_PIM_ROUTERS = '224.0.0.13'
PIM_VERSION = 2
PIM_HELLO, PIM_BOOTSTRAP, PIM_C_RP_ADV = 0, 4, 8
ADDRESS_FAMILY_IPV4 = 1       # IANA address family numbers, as used by the encoded address formats
NATIVE_ENCODING = 0
HELLO_OPTION_HOLDTIME = 1     # RFC 7761 §4.9.2
HELLO_OPTION_DR_PRIORITY = 19
HELLO_OPTION_GENERATION_ID = 20
TOS_INTERNETWORK_CONTROL = 0xc0
C_RP_ADV_FIXED_LEN = 4 + 6    # prefix count, priority, holdtime, Encoded-Unicast RP address
ENCODED_GROUP_LEN = 8


def log(message):
    print(f'{time.time():.6f} {message}', flush=True)


def checksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def pim_message(pim_type, body):
    """PIM header (RFC 7761 §4.9) with its checksum over the whole message."""
    version_type = (PIM_VERSION << 4) | pim_type
    total = checksum(struct.pack('!BBH', version_type, 0, 0) + body)
    return struct.pack('!BBH', version_type, 0, total) + body


def encoded_unicast(address):
    return struct.pack('!BB4s', ADDRESS_FAMILY_IPV4, NATIVE_ENCODING, socket.inet_aton(address))


def encoded_group(prefix):
    network = ipaddress.IPv4Network(prefix)
    return struct.pack('!BBBB4s', ADDRESS_FAMILY_IPV4, NATIVE_ENCODING, 0, network.prefixlen,
                       network.network_address.packed)


def decode_encoded_unicast(data, offset):
    family, encoding, address = struct.unpack_from('!BB4s', data, offset)
    if family != ADDRESS_FAMILY_IPV4 or encoding != NATIVE_ENCODING:
        raise ValueError(f'encoded-unicast family {family} encoding {encoding}')
    return socket.inet_ntoa(address)


def decode_encoded_group(data, offset):
    family, encoding, _flags, mask_len, address = struct.unpack_from('!BBBB4s', data, offset)
    if family != ADDRESS_FAMILY_IPV4 or encoding != NATIVE_ENCODING:
        raise ValueError(f'encoded-group family {family} encoding {encoding}')
    return str(ipaddress.IPv4Network((socket.inet_ntoa(address), mask_len), strict=False))


def pim_socket(address):
    """A raw PIM socket sending from `address` (the kernel writes the IP header), multicast out of its interface."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_PIM)
    sock.bind((address, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, TOS_INTERNETWORK_CONTROL)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(address))
    return sock


class Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler to leave the main loop."""


def stop_on_signals():
    def handler(signum, _frame):
        raise Stop(signal.Signals(signum).name)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


# --- bsr role -----------------------------------------------------------------------------------------------------

def hello(holdtime, generation_id):
    """RFC 7761 §4.9.2 Hello: Holdtime, DR Priority 0, Generation ID."""
    options = (struct.pack('!HHH', HELLO_OPTION_HOLDTIME, 2, holdtime)
               + struct.pack('!HHI', HELLO_OPTION_DR_PRIORITY, 4, 0)
               + struct.pack('!HHI', HELLO_OPTION_GENERATION_ID, 4, generation_id))
    return pim_message(PIM_HELLO, options)


def parse_c_rp_adv(body):
    """RFC 5059 §4.2 → (rp, priority, holdtime, [group prefixes]); prefix count 0 means all of 224.0.0.0/4."""
    prefix_count, priority, holdtime = struct.unpack_from('!BBH', body, 0)
    rp = decode_encoded_unicast(body, 4)
    if len(body) < C_RP_ADV_FIXED_LEN + prefix_count * ENCODED_GROUP_LEN:
        raise ValueError(f'{len(body)} bytes for {prefix_count} group prefixes')
    groups = [decode_encoded_group(body, C_RP_ADV_FIXED_LEN + i * ENCODED_GROUP_LEN) for i in range(prefix_count)]
    return rp, priority, holdtime, groups or ['224.0.0.0/4']


def bootstrap(bsr_address, bsr_priority, hash_mask_len, rp_set):
    """RFC 5059 §4.1 Bootstrap carrying the whole RP-set in one fragment: rp_set is {group: [(rp, holdtime, prio)]}."""
    body = struct.pack('!HBB', random.getrandbits(16), hash_mask_len, bsr_priority) + encoded_unicast(bsr_address)
    for group in sorted(rp_set, key=ipaddress.IPv4Network):
        rps = rp_set[group]
        body += encoded_group(group) + struct.pack('!BBH', len(rps), len(rps), 0)
        for rp, holdtime, priority in rps:
            body += encoded_unicast(rp) + struct.pack('!HBB', holdtime, priority, 0)
    return pim_message(PIM_BOOTSTRAP, body)


class RpSet:
    """The BSR's RP-set (RFC 5059 §3.3): (group prefix, RP) → priority, holdtime, expiry."""

    def __init__(self):
        self.entries = {}

    def learn(self, rp, priority, holdtime, groups, now):
        for group in groups:
            key = (group, rp)
            if holdtime == 0:
                if self.entries.pop(key, None):
                    log(f'rp-set: {rp} for {group} withdrawn')
                continue
            if key not in self.entries:
                log(f'rp-set: {rp} for {group} added (priority {priority}, holdtime {holdtime} s)')
            self.entries[key] = (priority, holdtime, now + holdtime)

    def expire(self, now):
        for key, (_priority, _holdtime, expires) in list(self.entries.items()):
            if expires <= now:
                del self.entries[key]
                log(f'rp-set: {key[1]} for {key[0]} timed out')

    def next_expiry(self):
        return min((expires for _priority, _holdtime, expires in self.entries.values()), default=float('inf'))

    def by_group(self):
        """{group: [(rp, holdtime, priority)]}, each group's RPs best first (lowest priority value, then address)."""
        groups = {}
        for (group, rp), (priority, holdtime, _expires) in self.entries.items():
            groups.setdefault(group, []).append((rp, holdtime, priority))
        for rps in groups.values():
            rps.sort(key=lambda entry: (entry[2], ipaddress.IPv4Address(entry[0])))
        return groups


def run_bsr(args):
    sock = pim_socket(args.address)
    generation_id = random.getrandbits(32)
    rp_set = RpSet()
    next_hello = next_bootstrap = time.monotonic()
    log(f'bsr {args.address}: priority {args.priority}, hash mask length {args.hash_mask_len}, '
        f'bootstrap every {args.interval} s, hello every {args.hello_interval} s')
    try:
        while True:
            now = time.monotonic()
            if now >= next_hello:
                sock.sendto(hello(args.hello_holdtime, generation_id), (ALL_PIM_ROUTERS, 0))
                next_hello = now + args.hello_interval
            rp_set.expire(now)
            if now >= next_bootstrap:
                groups = rp_set.by_group()
                sock.sendto(bootstrap(args.address, args.priority, args.hash_mask_len, groups), (ALL_PIM_ROUTERS, 0))
                log('bootstrap: ' + ('; '.join(f'{g} ' + ', '.join(f'{rp} prio {p} hold {h}' for rp, h, p in rps)
                                               for g, rps in sorted(groups.items())) or 'empty RP-set'))
                next_bootstrap = now + args.interval
            timeout = max(0.0, min(next_hello, next_bootstrap, rp_set.next_expiry()) - time.monotonic())
            if select.select([sock], [], [], timeout)[0]:
                receive(sock, rp_set, args.address)
    except Stop as stop:
        sock.sendto(hello(0, generation_id), (ALL_PIM_ROUTERS, 0))
        log(f'{stop}: goodbye hello sent, exiting')


def receive(sock, rp_set, own_address):
    """One PIM packet from the raw socket (IP header included); C-RP-Advertisements to us feed the RP-set."""
    packet, (source, _port) = sock.recvfrom(65535)
    header_len = (packet[0] & 0x0f) * 4
    destination = socket.inet_ntoa(packet[16:20])
    pim = packet[header_len:]
    if len(pim) < 4 or pim[0] != (PIM_VERSION << 4) | PIM_C_RP_ADV or destination != own_address:
        return
    if checksum(pim) != 0:
        log(f'c-rp-adv from {source}: bad checksum, ignored')
        return
    try:
        rp, priority, holdtime, groups = parse_c_rp_adv(pim[4:])
    except (ValueError, struct.error) as error:
        log(f'c-rp-adv from {source}: malformed ({error}), ignored')
        return
    log(f'c-rp-adv from {source}: rp {rp} priority {priority} holdtime {holdtime} groups {" ".join(groups)}')
    rp_set.learn(rp, priority, holdtime, groups, time.monotonic())


# --- crp role -----------------------------------------------------------------------------------------------------

def c_rp_adv(rp_address, priority, holdtime, groups):
    body = struct.pack('!BBH', len(groups), priority, holdtime) + encoded_unicast(rp_address)
    for group in groups:
        body += encoded_group(group)
    return pim_message(PIM_C_RP_ADV, body)


def run_crp(args):
    sock = pim_socket(args.rp_address)
    holdtime = args.holdtime if args.holdtime is not None else int(args.interval * 2.5)
    message = c_rp_adv(args.rp_address, args.priority, holdtime, args.group)
    log(f'c-rp {args.rp_address} → bsr {args.bsr}: priority {args.priority}, holdtime {holdtime} s, '
        f'groups {" ".join(args.group)}, every {args.interval} s')
    try:
        while True:
            sock.sendto(message, (args.bsr, 0))
            log('c-rp-adv sent')
            time.sleep(args.interval)
    except Stop as stop:
        log(f'{stop}: stopped advertising (no withdrawal), exiting')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    roles = parser.add_subparsers(dest='role', required=True)
    bsr = roles.add_parser('bsr', help='bootstrap router (and PIM neighbor) on a LAN')
    bsr.add_argument('--address', required=True, help='own IPv4 address on the LAN (= BSR address)')
    bsr.add_argument('--interval', type=float, default=10, help='bootstrap period, s (RFC 5059 default 60)')
    bsr.add_argument('--hello-interval', type=float, default=10, help='PIM hello period, s')
    bsr.add_argument('--hello-holdtime', type=int, default=35, help='PIM hello holdtime, s')
    bsr.add_argument('--priority', type=int, default=64, help='BSR priority (higher is preferred)')
    bsr.add_argument('--hash-mask-len', type=int, default=30, help='hash mask length (RFC 5059 default 30)')
    crp = roles.add_parser('crp', help='candidate RP advertising to a BSR')
    crp.add_argument('--bsr', required=True, help='BSR address (C-RP-Advertisements go there, unicast)')
    crp.add_argument('--rp-address', required=True, help='RP address to advertise, also the IP source')
    crp.add_argument('--group', action='append', help='group prefix (repeatable, default 224.0.0.0/4)')
    crp.add_argument('--priority', type=int, default=192, help='C-RP priority (lower is preferred)')
    crp.add_argument('--interval', type=float, default=10, help='C-RP-Adv period, s (RFC 5059 default 60)')
    crp.add_argument('--holdtime', type=int, help='advertised holdtime, s (default 2.5 x interval)')
    args = parser.parse_args()
    if args.role == 'crp':
        args.group = [str(ipaddress.IPv4Network(g)) for g in (args.group or ['224.0.0.0/4'])]
    stop_on_signals()
    (run_bsr if args.role == 'bsr' else run_crp)(args)


if __name__ == '__main__':
    sys.exit(main())
