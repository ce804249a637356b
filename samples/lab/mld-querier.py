#!/usr/bin/env python3
"""A small MLD querier for the mcast lab (Debian's FRR has no pim6d, so nothing else queries MLD on a LAN).

Protocols: MLDv2 RFC 3810 (router side §6, §7; compatibility §8), MLDv1 RFC 2710, Router Alert RFC 2711.
ICMPv6 types: 130 Multicast Listener Query, 131 MLDv1 Report, 132 MLDv1 Done, 143 MLDv2 Report.
Sizes: MLDv1 query 24 bytes; MLDv2 query 28 + 16*N bytes; MLDv2 report 8 + records (20 + 16*N + aux each).

What it does, on one interface:
  * sends general queries every --query-interval seconds (startup: --robustness queries at QI/4, §7.6.2)
    to ff02::1 from the interface's link-local address, hop limit 1, with a Hop-by-Hop Router Alert (value 0 = MLD);
  * querier election (§7.6.2): a query from a lower address makes it a non-querier until the Other Querier Present
    Interval (RV*QI + QRI/2) passes without hearing that querier again;
  * keeps the router filter state per multicast address (§7.2, §7.4) from MLDv2 records and MLDv1 reports/Done
    (§8.3.2: MLDv1 report = IS_EX({}), Done = TO_IN({}), BLOCK ignored and TO_EX(x) = TO_EX({}) while an MLDv1
    listener is present), and as querier sends Multicast Address Specific and Multicast Address and Source Specific
    queries for the changes that need them (§7.4.2 "Q(MA)", "Q(MA,A)"; retransmitted Last Listener Query Count
    times, §7.6.3);
  * --mld-version 1 sends MLDv1-format queries instead (24 bytes, RFC 2710 §3), for captures that need them.

Listening uses an AF_PACKET socket on the interface so every MLD message on the LAN is seen, whatever groups this
host joined (MLDv1 reports go to the reported address itself). Sending uses a raw ICMPv6 socket (the kernel fills
the ICMPv6 checksum) with the Router Alert given as the IPV6_HOPOPTS sticky option.

State: on SIGUSR1 the querier writes its view (role, other querier, every address with filter mode, timers and
sources, remaining times in seconds) as JSON to --state (written to a temporary file, then renamed).
Log: one JSON object per line on stdout for each query sent, record received and role change.
SIGTERM/SIGINT end it (MLD has no goodbye).
Self-test: `mld-querier.py --self-test` runs the protocol state machine (class Querier, which owns no socket) on
hand-built frames with a fake clock: §7.4 table rows, LLQT expiry, MLDv1 compatibility, election, code encodings.

Not implemented (not needed by the lab): adopting QRV/QQIC from another querier's queries (§7.6.1 lets a
non-querier do so), the S-flag split of source-specific retransmissions (only sources still at LLQT are re-asked,
with S clear), MLDv1 router compatibility (§8.2: switching to v1 when an MLDv1 query is heard).
"""

import argparse
import ipaddress
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ICMPV6_QUERY, ICMPV6_V1_REPORT, ICMPV6_V1_DONE, ICMPV6_V2_REPORT = 130, 131, 132, 143
NEXT_HEADER_ICMPV6 = 58
EXTENSION_HEADERS = {0, 43, 60}  # Hop-by-Hop, Routing, Destination Options: length field in 8-octet units
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
ETHERNET_HEADER_LEN = 14
IPV6_HEADER_LEN = 40
ALL_NODES = 'ff02::1'
# Hop-by-Hop header: next header (filled by the kernel), length 0 (= 8 bytes), Router Alert (type 5, length 2,
# value 0 = "Datagram contains a Multicast Listener Discovery message", RFC 2711 §2.1), PadN of 2 bytes.
HOP_BY_HOP_ROUTER_ALERT = bytes([0, 0, 5, 2, 0, 0, 1, 0])
ICMP6_FILTER = 1
ICMP6_FILTER_BLOCK_ALL = b'\xff' * 32
V2_RECORD_TYPES = {1: 'IS_IN', 2: 'IS_EX', 3: 'TO_IN', 4: 'TO_EX', 5: 'ALLOW', 6: 'BLOCK'}
INCLUDE, EXCLUDE = 'INCLUDE', 'EXCLUDE'
EXCLUDED = 0.0  # source timer value of a source in the EXCLUDE-mode "Y" set (timer not running, §7.2)


def encode_max_response_code(milliseconds):
    """RFC 3810 §5.1.3: values >= 32768 use a floating point form (exp 3 bits, mantissa 12 bits)."""
    if milliseconds < 32768:
        return milliseconds
    exponent = 0
    while (milliseconds >> (exponent + 3)) > 0x1FFF:
        exponent += 1
    mantissa = (milliseconds >> (exponent + 3)) & 0x0FFF
    return 0x8000 | (exponent << 12) | mantissa


def encode_qqic(seconds):
    """RFC 3810 §5.1.9: same floating point idea on 8 bits (exp 3 bits, mantissa 4 bits)."""
    if seconds < 128:
        return seconds
    exponent = 0
    while (seconds >> (exponent + 3)) > 0x1F:
        exponent += 1
    return 0x80 | (exponent << 4) | ((seconds >> (exponent + 3)) & 0x0F)


class AddressState:
    """Router state for one multicast address (RFC 3810 §7.2): filter mode, filter timer, source timers."""
    __slots__ = ('mode', 'filter_timer', 'sources', 'mldv1_host_until')

    def __init__(self):
        self.mode = INCLUDE
        self.filter_timer = 0.0
        self.sources = {}  # source address text -> absolute expiry (monotonic), or EXCLUDED
        self.mldv1_host_until = 0.0

    def requested(self):
        """INCLUDE: the include list; EXCLUDE: the "requested list" X (sources whose timer runs)."""
        return {s for s, t in self.sources.items() if t != EXCLUDED}

    def excluded(self):
        """EXCLUDE mode: the "exclude list" Y."""
        return {s for s, t in self.sources.items() if t == EXCLUDED}


class Querier:
    """The querier's protocol state on one link. Input: received MLD frames and the clock (`now`, monotonic
    seconds, passed to every call); output: query messages handed to `transmit(message, destination)` and events
    handed to `log(event, **fields)`. No sockets here (see `run`), so `self_test` drives it directly."""

    def __init__(self, config, address, transmit, log, now):
        self.version = config.mld_version
        self.query_interval = config.query_interval
        self.response_interval = config.response_interval
        self.robustness = config.robustness
        self.last_listener_interval = config.last_listener_interval
        self.transmit = transmit
        self.log = log
        # Derived timers, RFC 3810 §9.
        self.listener_interval = self.robustness * self.query_interval + self.response_interval  # MALI §9.4
        self.other_querier_interval = self.robustness * self.query_interval + self.response_interval / 2  # §9.5
        self.last_listener_time = self.last_listener_interval * self.robustness  # LLQT §9.14

        self.address = address
        self.address_bytes = socket.inet_pton(socket.AF_INET6, address)

        self.is_querier = True  # §7.6.2: every router starts as querier
        self.other_querier = None
        self.other_querier_until = 0.0
        self.startup_queries_left = self.robustness
        self.next_general_query = now
        self.addresses = {}  # multicast address text -> AddressState
        self.pending_queries = []  # [due, address, sources or None, transmissions left]
        self.counters = {'queriesSent': 0, 'queriesHeard': 0, 'reportsHeard': 0, 'donesHeard': 0}

    # ---- output ----

    def send_query(self, multicast_address=None, sources=(), suppress=False):
        """General query when multicast_address is None; else address (and source) specific, §5.1."""
        target = multicast_address or '::'
        if multicast_address is None:
            response_ms = int(self.response_interval * 1000)
        else:
            response_ms = int(self.last_listener_interval * 1000)
        address_bytes = socket.inet_pton(socket.AF_INET6, target)
        if self.version == 1:  # RFC 2710 §3: Maximum Response Delay (ms, 16 bits), no sources
            message = struct.pack('!BBHHH16s', ICMPV6_QUERY, 0, 0, min(response_ms, 0xFFFF), 0, address_bytes)
        else:
            flags = (0x08 if suppress else 0) | (self.robustness if self.robustness <= 7 else 0)
            message = struct.pack('!BBHHH16sBBH', ICMPV6_QUERY, 0, 0, encode_max_response_code(response_ms), 0,
                                  address_bytes, flags, encode_qqic(self.query_interval), len(sources))
            message += b''.join(socket.inet_pton(socket.AF_INET6, s) for s in sorted(sources))
        self.transmit(message, multicast_address or ALL_NODES)
        self.counters['queriesSent'] += 1
        self.log('query-sent', version=self.version, group=multicast_address, sources=sorted(sources),
                 suppress=suppress)

    # ---- queries for changes, §7.4.2 and §7.6.3 ----

    def query_address(self, multicast_address, state, now):
        """Q(MA): lower the filter timer to LLQT, send Last Listener Query Count address specific queries."""
        if not self.is_querier:
            return
        state.filter_timer = min(state.filter_timer, now + self.last_listener_time)
        if not any(p[1] == multicast_address and p[2] is None for p in self.pending_queries):  # not yet asking
            self.pending_queries.append([now, multicast_address, None, self.robustness])

    def query_sources(self, multicast_address, state, sources, now):
        """Q(MA,A): lower the timers of A to LLQT, send address and source specific queries for them."""
        if not self.is_querier or not sources or self.version == 1:  # MLDv1 queries cannot name sources
            return
        for source in sources:
            if state.sources.get(source, EXCLUDED) != EXCLUDED:
                state.sources[source] = min(state.sources[source], now + self.last_listener_time)
        for pending in self.pending_queries:  # sources already being asked about are not asked twice
            if pending[1] == multicast_address and pending[2] is not None:
                sources = set(sources) - pending[2]
        if sources:
            self.pending_queries.append([now, multicast_address, set(sources), self.robustness])

    def send_due_queries(self, now):
        for pending in self.pending_queries:
            due, multicast_address, sources, left = pending
            if due > now:
                continue
            state = self.addresses.get(multicast_address)
            if state is None:
                pending[3] = 0
                continue
            if sources is None:
                # §7.6.3.1: retransmissions carry S set once a report raised the timer above LLQT.
                self.send_query(multicast_address, suppress=state.filter_timer > now + self.last_listener_time)
            else:
                # Re-ask only the sources nobody has reported again since the first query.
                still_low = {s for s in sources
                             if 0 < state.sources.get(s, EXCLUDED) <= now + self.last_listener_time}
                if not still_low:
                    pending[3] = 0
                    continue
                pending[2] = still_low
                self.send_query(multicast_address, still_low)
            pending[0] = now + self.last_listener_interval
            pending[3] = left - 1
        self.pending_queries = [p for p in self.pending_queries if p[3] > 0]

    # ---- reports, §7.4.1 (current state) and §7.4.2 (filter mode and source list changes) ----

    def apply_record(self, record_type, multicast_address, sources, now):
        state = self.addresses.get(multicast_address)
        if state is None:  # INCLUDE({}): only EXCLUDE records and records naming sources to receive create state
            if record_type not in ('IS_EX', 'TO_EX') and (not sources or record_type == 'BLOCK'):
                return
            state = self.addresses[multicast_address] = AddressState()
        if state.mldv1_host_until > now:  # §8.3.2
            if record_type == 'BLOCK':
                return
            if record_type in ('TO_EX', 'IS_EX'):
                sources = set()
        handler = getattr(self, f'{record_type.lower()}_{state.mode.lower()}')
        handler(multicast_address, state, sources, now)

    def is_in_include(self, ma, state, b, now):  # INCLUDE(A) + IS_IN(B) -> INCLUDE(A+B); (B)=MALI
        for s in b:
            state.sources[s] = now + self.listener_interval

    def is_in_exclude(self, ma, state, b, now):  # EXCLUDE(X,Y) + IS_IN(B) -> EXCLUDE(X+B, Y-B); (B)=MALI
        self.is_in_include(ma, state, b, now)

    allow_include = is_in_include  # ALLOW(B) has the same table rows as IS_IN(B)
    allow_exclude = is_in_exclude

    def is_ex_include(self, ma, state, b, now):
        # INCLUDE(A) + IS_EX(B) -> EXCLUDE(A*B, B-A); (B-A)=0; delete (A-B); filter timer = MALI
        a = set(state.sources)
        for s in a - b:
            del state.sources[s]
        for s in b - a:
            state.sources[s] = EXCLUDED
        state.mode = EXCLUDE
        state.filter_timer = now + self.listener_interval

    def is_ex_exclude(self, ma, state, b, now):
        # EXCLUDE(X,Y) + IS_EX(A) -> EXCLUDE(A-Y, Y*A); (A-X-Y)=MALI; delete (X-A), (Y-A); filter timer = MALI
        known = set(state.sources)
        for s in known - b:
            del state.sources[s]
        for s in b - known:
            state.sources[s] = now + self.listener_interval
        state.filter_timer = now + self.listener_interval

    def to_in_include(self, ma, state, b, now):
        # INCLUDE(A) + TO_IN(B) -> INCLUDE(A+B); (B)=MALI; Q(MA, A-B)
        a = set(state.sources)
        self.is_in_include(ma, state, b, now)
        self.query_sources(ma, state, a - b, now)

    def to_in_exclude(self, ma, state, b, now):
        # EXCLUDE(X,Y) + TO_IN(A) -> EXCLUDE(X+A, Y-A); (A)=MALI; Q(MA, X-A); Q(MA)
        x = state.requested()
        self.is_in_include(ma, state, b, now)
        self.query_sources(ma, state, x - b, now)
        self.query_address(ma, state, now)

    def to_ex_include(self, ma, state, b, now):
        # INCLUDE(A) + TO_EX(B) -> EXCLUDE(A*B, B-A); (B-A)=0; delete (A-B); Q(MA, A*B); filter timer = MALI
        a = set(state.sources)
        self.is_ex_include(ma, state, b, now)
        self.query_sources(ma, state, a & b, now)

    def to_ex_exclude(self, ma, state, b, now):
        # EXCLUDE(X,Y) + TO_EX(A) -> EXCLUDE(A-Y, Y*A); (A-X-Y)=filter timer; delete (X-A), (Y-A);
        # Q(MA, A-Y); filter timer = MALI
        known, y = set(state.sources), state.excluded()
        for s in known - b:
            del state.sources[s]
        for s in b - known:
            state.sources[s] = state.filter_timer
        state.filter_timer = now + self.listener_interval
        self.query_sources(ma, state, b - y, now)

    def block_include(self, ma, state, b, now):  # INCLUDE(A) + BLOCK(B) -> INCLUDE(A); Q(MA, A*B)
        self.query_sources(ma, state, set(state.sources) & b, now)

    def block_exclude(self, ma, state, b, now):
        # EXCLUDE(X,Y) + BLOCK(A) -> EXCLUDE(X+(A-Y), Y); (A-X-Y)=filter timer; Q(MA, A-Y)
        y = state.excluded()
        for s in b - set(state.sources):
            state.sources[s] = state.filter_timer
        self.query_sources(ma, state, b - y, now)

    # ---- timers, §7.2.2 / §7.5 ----

    def expire(self, now):
        for multicast_address in list(self.addresses):
            state = self.addresses[multicast_address]
            for source, expiry in list(state.sources.items()):
                if expiry != EXCLUDED and expiry <= now:
                    if state.mode == INCLUDE:
                        del state.sources[source]
                    else:
                        state.sources[source] = EXCLUDED  # X -> Y
            if state.mode == EXCLUDE and state.filter_timer <= now:  # back to INCLUDE with the running sources
                state.mode = INCLUDE
                state.sources = {s: t for s, t in state.sources.items() if t != EXCLUDED}
            if state.mode == INCLUDE and not state.sources:
                del self.addresses[multicast_address]
                self.log('address-expired', group=multicast_address)
        if not self.is_querier and self.other_querier_until <= now:
            self.is_querier = True
            self.other_querier = None
            self.next_general_query = now
            self.log('role', role='querier', reason='other querier present interval expired')

    def tick(self, now):
        self.expire(now)
        if self.is_querier and self.next_general_query <= now:
            self.send_query()
            if self.startup_queries_left > 1:  # §7.6.2 Startup Query Interval = QI/4
                self.startup_queries_left -= 1
                self.next_general_query = now + self.query_interval / 4
            else:
                self.startup_queries_left = 0
                self.next_general_query = now + self.query_interval
        self.send_due_queries(now)

    # ---- input ----

    def receive(self, frame, now):
        if len(frame) < ETHERNET_HEADER_LEN + IPV6_HEADER_LEN:
            return
        ip = memoryview(frame)[ETHERNET_HEADER_LEN:]
        source = bytes(ip[8:24])
        next_header, offset = ip[6], IPV6_HEADER_LEN
        while next_header in EXTENSION_HEADERS and offset + 8 <= len(ip):
            next_header, offset = ip[offset], offset + (ip[offset + 1] + 1) * 8
        if next_header != NEXT_HEADER_ICMPV6 or offset + 24 > len(ip):
            return
        if not ipaddress.IPv6Address(source).is_link_local:  # §5.1.14 / §5.2.13: drop non-link-local sources
            return
        message = bytes(ip[offset:])
        source_text = socket.inet_ntop(socket.AF_INET6, source)
        kind = message[0]
        if kind == ICMPV6_QUERY:
            self.counters['queriesHeard'] += 1
            self.on_query(source, source_text, message, now)
        elif kind == ICMPV6_V2_REPORT:
            self.counters['reportsHeard'] += 1
            self.on_v2_report(source_text, message, now)
        elif kind == ICMPV6_V1_REPORT:
            self.counters['reportsHeard'] += 1
            multicast_address = socket.inet_ntop(socket.AF_INET6, message[8:24])
            self.log('report', version=1, source=source_text, group=multicast_address)
            state = self.addresses.setdefault(multicast_address, AddressState())
            state.mldv1_host_until = now + self.listener_interval  # Older Version Host Present, §8.3.2
            self.apply_record('IS_EX', multicast_address, set(), now)
        elif kind == ICMPV6_V1_DONE:
            self.counters['donesHeard'] += 1
            multicast_address = socket.inet_ntop(socket.AF_INET6, message[8:24])
            self.log('done', source=source_text, group=multicast_address)
            if multicast_address in self.addresses:
                self.apply_record('TO_IN', multicast_address, set(), now)

    def on_query(self, source, source_text, message, now):
        # §7.6.2: a query from a lower address wins the election.
        if source < self.address_bytes:
            if self.is_querier:
                self.log('role', role='non-querier', reason=f'query from lower address {source_text}')
            self.is_querier = False
            self.other_querier = source_text
            self.other_querier_until = now + self.other_querier_interval
            self.pending_queries.clear()
        # §7.6.1: a non-querier lowers its timers on specific queries without the S flag.
        multicast_address = socket.inet_ntop(socket.AF_INET6, message[8:24])
        state = self.addresses.get(multicast_address)
        suppress = len(message) >= 28 and message[24] & 0x08
        if self.is_querier or state is None or suppress:
            return
        source_count = struct.unpack_from('!H', message, 26)[0] if len(message) >= 28 else 0
        if source_count == 0:
            state.filter_timer = min(state.filter_timer, now + self.last_listener_time)
        for i in range(source_count):
            start = 28 + 16 * i
            if start + 16 > len(message):
                break
            queried = socket.inet_ntop(socket.AF_INET6, message[start:start + 16])
            if state.sources.get(queried, EXCLUDED) != EXCLUDED:
                state.sources[queried] = min(state.sources[queried], now + self.last_listener_time)

    def on_v2_report(self, source_text, message, now):
        record_count = struct.unpack_from('!H', message, 6)[0]
        offset = 8
        for _ in range(record_count):
            if offset + 20 > len(message):
                return
            record_type, aux_words, source_count = struct.unpack_from('!BBH', message, offset)
            end = offset + 20 + 16 * source_count + 4 * aux_words
            if end > len(message):
                return
            multicast_address = socket.inet_ntop(socket.AF_INET6, message[offset + 4:offset + 20])
            sources = {socket.inet_ntop(socket.AF_INET6, message[offset + 20 + 16 * i:offset + 36 + 16 * i])
                       for i in range(source_count)}
            offset = end
            name = V2_RECORD_TYPES.get(record_type)
            if name is None:
                continue
            self.log('report', version=2, source=source_text, record=name, group=multicast_address,
                     sources=sorted(sources))
            if ipaddress.IPv6Address(multicast_address).is_multicast:
                self.apply_record(name, multicast_address, sources, now)

    # ---- state dump ----

    def snapshot(self, now, wall):

        def remaining(expiry):
            return round(max(expiry - now, 0.0), 3)

        addresses = []
        for multicast_address in sorted(self.addresses):
            state = self.addresses[multicast_address]
            addresses.append({
                'address': multicast_address,
                'filterMode': state.mode,
                'filterTimer': remaining(state.filter_timer) if state.mode == EXCLUDE else None,
                'mldv1HostPresent': remaining(state.mldv1_host_until) if state.mldv1_host_until > now else None,
                'sources': [{'address': s, 'timer': None if t == EXCLUDED else remaining(t),
                             'forward': t != EXCLUDED}
                            for s, t in sorted(state.sources.items())],
            })
        return {
            'time': round(wall, 6),
            'address': self.address,
            'queryVersion': self.version,
            'role': 'querier' if self.is_querier else 'non-querier',
            'otherQuerier': None if self.is_querier else {
                'address': self.other_querier, 'expiresIn': remaining(self.other_querier_until)},
            'config': {
                'queryInterval': self.query_interval, 'queryResponseInterval': self.response_interval,
                'robustness': self.robustness, 'lastListenerQueryInterval': self.last_listener_interval,
                'multicastAddressListeningInterval': self.listener_interval,
                'otherQuerierPresentInterval': self.other_querier_interval,
            },
            'counters': dict(self.counters),
            'addresses': addresses,
        }

    def next_deadline(self, now):
        """When tick() has something to do next (a query to send), for the main loop's select timeout."""
        deadlines = [pending[0] for pending in self.pending_queries]
        if self.is_querier:
            deadlines.append(self.next_general_query)
        return min(deadlines, default=now + 0.5)


def open_sockets(iface, ifindex, address):
    """A raw ICMPv6 socket sending from the link-local address with hop limit 1 and the Router Alert, and an
    AF_PACKET socket receiving every IPv6 frame of the interface."""
    sender = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    sender.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER, ICMP6_FILTER_BLOCK_ALL)  # it never reads
    sender.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    sender.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
    sender.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    sender.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, HOP_BY_HOP_ROUTER_ALERT)
    sender.bind((address, 0, 0, ifindex))
    listener = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    listener.bind((iface, ETH_P_IPV6))
    return sender, listener


def log_json(event, **fields):
    print(json.dumps({'time': round(time.time(), 6), 'event': event, **fields}), flush=True)


def write_state(path, document):
    temporary = f'{path}.tmp'
    with open(temporary, 'w') as out:
        json.dump(document, out, indent=1)
    os.replace(temporary, path)


def run(config):
    ifindex = socket.if_nametoindex(config.iface)
    address = wait_for_link_local(config.iface)
    sender, listener = open_sockets(config.iface, ifindex, address)
    def transmit(message, destination):
        sender.sendto(message, (destination, 0, 0, ifindex))

    querier = Querier(config, address, transmit, log_json, time.monotonic())
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    pending_signals = []
    for signum in (signal.SIGUSR1, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, _frame: pending_signals.append(number))
    log_json('start', address=address, interface=config.iface, version=config.mld_version)
    while True:
        now = time.monotonic()
        querier.tick(now)
        timeout = min(max(querier.next_deadline(now) - now, 0.0), 0.5)
        readable, _, _ = select.select([listener, wake_read], [], [], timeout)
        if wake_read in readable:
            os.read(wake_read, 64)
        while pending_signals:
            if pending_signals.pop(0) != signal.SIGUSR1:
                log_json('stop')
                return
            if config.state:
                snapshot = querier.snapshot(time.monotonic(), time.time())
                write_state(config.state, {'interface': config.iface, **snapshot})
        if listener in readable:
            frame, (_, _, packet_type, _, _) = listener.recvfrom(65535)
            if packet_type != PACKET_OUTGOING:
                querier.receive(frame, time.monotonic())


def wait_for_link_local(iface, timeout=10.0):
    """The interface's link-local address once duplicate address detection has finished (/proc/net/if_inet6)."""
    deadline = time.monotonic() + timeout
    while True:
        with open('/proc/net/if_inet6') as table:
            for line in table:
                hex_address, _, _, scope, flags, name = line.split()
                if name == iface and int(scope, 16) == 0x20 and not int(flags, 16) & 0x40:  # link scope, not tentative
                    return str(ipaddress.IPv6Address(bytes.fromhex(hex_address)))
        if time.monotonic() > deadline:
            sys.exit(f'mld-querier: no usable link-local address on {iface}')
        time.sleep(0.1)


def self_test():
    """`mld-querier.py --self-test`: the §7.4 tables, LLQT and filter timer expiry, MLDv1 compatibility, querier
    election and the code encodings, driven through hand-built frames and a fake clock. Exits non-zero on a failure."""
    checks = 0

    def check(condition, what):
        nonlocal checks
        if not condition:
            sys.exit(f'self-test failed: {what}')
        checks += 1

    def pton(address):
        return socket.inet_pton(socket.AF_INET6, address)

    def decode_mrc(code):  # RFC 3810 §5.1.3
        return code if code < 0x8000 else ((code & 0x0FFF) | 0x1000) << (((code >> 12) & 7) + 3)

    def decode_qqic(code):  # RFC 3810 §5.1.9
        return code if code < 0x80 else ((code & 0x0F) | 0x10) << (((code >> 4) & 7) + 3)

    for milliseconds in (0, 1000, 32767, 32768, 40000, 1_000_000, 8_387_584):
        code = encode_max_response_code(milliseconds)
        step = 1 << (((code >> 12) & 7) + 3) if code >= 0x8000 else 1
        check(code <= 0xFFFF and decode_mrc(code) <= milliseconds < decode_mrc(code) + step, f'MRC {milliseconds}')
    for seconds in (0, 20, 127, 128, 1000, 31744):
        code = encode_qqic(seconds)
        step = 1 << (((code >> 4) & 7) + 3) if code >= 0x80 else 1
        check(code <= 0xFF and decode_qqic(code) <= seconds < decode_qqic(code) + step, f'QQIC {seconds}')

    def frame(source, icmp):  # Ethernet + IPv6 + Hop-by-Hop Router Alert + ICMPv6 (the checksum is not verified)
        ipv6 = struct.pack('!IHBB16s16s', 0x60000000, len(icmp) + 8, 0, 1, pton(source), pton('ff02::16'))
        return b'\x33\x33\x00\x00\x00\x16' + b'\x02' * 6 + b'\x86\xdd' + ipv6 + bytes([58, 0, 5, 2, 0, 0, 1, 0]) + icmp

    def v2_report(record_type, address, sources=()):
        record = struct.pack('!BBH16s', record_type, 0, len(sources), pton(address)) + b''.join(map(pton, sources))
        return struct.pack('!BBHHH', ICMPV6_V2_REPORT, 0, 0, 0, 1) + record

    def v1_message(kind, address):
        return struct.pack('!BBHHH16s', kind, 0, 0, 0, 0, pton(address))

    def query_from(source):
        return frame(source, struct.pack('!BBHHH16sBBH', ICMPV6_QUERY, 0, 0, 1000, 0, pton('::'), 2, 20, 0))

    sent = []
    config = argparse.Namespace(mld_version=2, query_interval=20, response_interval=5.0, robustness=2,
                                last_listener_interval=1.0)
    querier = Querier(config, 'fe80::5', lambda message, destination: sent.append((destination, message)),
                      lambda event, **fields: None, 0.0)
    host, group, s1, s2 = 'fe80::a', 'ff3e::8000:1', 'fd00::1', 'fd00::2'

    def queries_since(count, general=False):  # (destination, header, sources) of the queries sent since
        return [(destination, message[:28], {socket.inet_ntop(socket.AF_INET6, message[i:i + 16])
                                             for i in range(28, len(message), 16)})
                for destination, message in sent[count:] if general or destination != ALL_NODES]

    querier.tick(0.0)
    destination, message = sent[0]
    check(destination == ALL_NODES and len(message) == 28 and message[0] == ICMPV6_QUERY, 'general query form')
    check(struct.unpack_from('!H', message, 4)[0] == 5000 and message[24] == 2 and message[25] == 20,
          'general query MRC 5000 ms, QRV 2, QQIC 20')

    # INCLUDE({}) + ALLOW({S1,S2}) -> INCLUDE({S1,S2}), timers MALI (45 s)
    querier.receive(frame(host, v2_report(5, group, (s1, s2))), 1.0)
    state = querier.addresses[group]
    check(state.mode == INCLUDE and state.sources == {s1: 46.0, s2: 46.0}, 'ALLOW in INCLUDE')
    # INCLUDE(A) + BLOCK(B) -> Q(MA, A*B): S2 lowered to LLQT, two source-specific queries, then S2 expires
    before = len(sent)
    querier.receive(frame(host, v2_report(6, group, (s2,))), 2.0)
    check(state.sources[s2] == 4.0 and state.sources[s1] == 46.0, 'BLOCK lowers only the blocked source to LLQT')
    querier.tick(2.0)
    querier.tick(3.0)
    querier.tick(4.01)
    specific = queries_since(before)
    check(len(specific) == 2 and all(d == group and srcs == {s2} for d, _, srcs in specific),
          'two address-and-source-specific queries for S2')
    check(set(state.sources) == {s1}, 'S2 expired after LLQT, S1 kept')
    # INCLUDE({S1}) + TO_EX({}) -> EXCLUDE({}, {}), filter timer MALI, no query (A*B empty)
    before = len(sent)
    querier.receive(frame(host, v2_report(4, group)), 5.0)
    check(state.mode == EXCLUDE and not state.sources and state.filter_timer == 50.0 and len(sent) == before,
          'TO_EX({}) in INCLUDE')
    # EXCLUDE + TO_IN({}) -> Q(MA): filter timer lowered to LLQT, two address-specific queries, then back to
    # INCLUDE({}) = deleted
    querier.receive(frame(host, v2_report(3, group)), 6.0)
    check(state.filter_timer == 8.0, 'TO_IN({}) lowers the filter timer to LLQT')
    querier.tick(6.0)
    querier.tick(7.0)
    querier.tick(8.01)
    specific = queries_since(before)
    check(len(specific) == 2 and all(d == group and not srcs for d, _, srcs in specific),
          'two address-specific queries')
    check(group not in querier.addresses, 'filter timer expiry with no source deletes the address')

    # MLDv1 listener (§8.3.2): report = IS_EX({}), BLOCK ignored, Done = TO_IN({}) -> Q(MA)
    v1_group = 'ff15::101'
    querier.receive(frame(host, v1_message(ICMPV6_V1_REPORT, v1_group)), 10.0)
    v1_state = querier.addresses[v1_group]
    check(v1_state.mode == EXCLUDE and v1_state.mldv1_host_until == 55.0, 'MLDv1 report: EXCLUDE, host present')
    before = len(sent)
    querier.receive(frame(host, v2_report(6, v1_group, (s1,))), 11.0)
    querier.tick(11.0)
    check(not v1_state.sources and len(sent) == before, 'BLOCK ignored while an MLDv1 host is present')
    querier.receive(frame(host, v1_message(ICMPV6_V1_DONE, v1_group)), 12.0)
    querier.tick(12.0)
    check([d for d, _, _ in queries_since(before)] == [v1_group], 'MLDv1 Done: address-specific query')

    # IS_EX({S1}) creates EXCLUDE({}, {S1}): S1 excluded, not forwarded
    querier.receive(frame(host, v2_report(2, 'ff05::7', (s1,))), 13.0)
    entry = [a for a in querier.snapshot(13.0, 0.0)['addresses'] if a['address'] == 'ff05::7'][0]
    check(entry['filterMode'] == EXCLUDE and entry['sources'] == [{'address': s1, 'timer': None, 'forward': False}],
          'IS_EX({S1}) excludes S1')

    # §7.6.2 election: a lower address silences us for the other querier present interval (42.5 s)
    querier.receive(query_from('fe80::9'), 19.0)
    check(querier.is_querier, 'a query from a higher address changes nothing')
    querier.receive(query_from('fe80::1'), 20.0)
    before = len(sent)
    querier.tick(40.0)
    check(not querier.is_querier and not queries_since(before, general=True),
          'non-querier after a query from a lower address')
    querier.tick(62.6)
    check(querier.is_querier and queries_since(before, general=True)[0][0] == ALL_NODES, 'querier again after 42.5 s')

    # --mld-version 1 sends 24-byte MLDv1 queries
    v1_sent = []
    Querier(argparse.Namespace(**{**vars(config), 'mld_version': 1}), 'fe80::5',
            lambda message, destination: v1_sent.append(message), lambda event, **fields: None, 0.0).tick(0.0)
    check(len(v1_sent[0]) == 24 and struct.unpack_from('!H', v1_sent[0], 4)[0] == 5000, 'MLDv1 general query')
    print(f'mld-querier self-test: {checks} checks passed')


def main():
    parser = argparse.ArgumentParser(description='MLDv2 querier (RFC 3810) for the mcast lab')
    parser.add_argument('--iface', help='interface to query on (required unless --self-test)')
    parser.add_argument('--query-interval', type=int, default=125, help='seconds (QI)')
    parser.add_argument('--response-interval', type=float, default=10.0, help='seconds (QRI)')
    parser.add_argument('--robustness', type=int, default=2)
    parser.add_argument('--last-listener-interval', type=float, default=1.0, help='seconds (LLQI)')
    parser.add_argument('--mld-version', type=int, choices=(1, 2), default=2, help='format of the queries sent')
    parser.add_argument('--state', help='file written with the querier state on SIGUSR1')
    parser.add_argument('--self-test', action='store_true', help='check the state machine and encodings, no network')
    config = parser.parse_args()
    if config.self_test:
        self_test()
    elif config.iface is None:
        parser.error('--iface is required')
    else:
        run(config)


if __name__ == '__main__':
    main()
