#!/usr/bin/env python3
"""An IPv4 multicast listener that can also block sources, driven by line commands like samples/lab/member.mjs.

Node's dgram module has any-source and source-specific joins but no way to block a source, so an IGMPv3 host in
EXCLUDE mode with a non-empty source list (RFC 3376 §3.1 EXCLUDE {S}) needs the RFC 3678 "delta-based" socket
options directly: IP_BLOCK_SOURCE / IP_UNBLOCK_SOURCE on a socket that joined the group. The kernel's IGMP code
then sends the state-change reports (BLOCK(S) / TO_EX(S) / ALLOW(S)) itself.

  member-block.py [--fifo PATH]

Commands, one per line (blank lines and lines starting with # are ignored):
  join G [IFACE_ADDR]             any-source join (IP_ADD_MEMBERSHIP): EXCLUDE {}
  leave G [IFACE_ADDR]            IP_DROP_MEMBERSHIP (an IGMPv3 host in EXCLUDE mode sends TO_IN {})
  block S G [IFACE_ADDR]          IP_BLOCK_SOURCE: EXCLUDE {.., S}
  unblock S G [IFACE_ADDR]        IP_UNBLOCK_SOURCE
  join-source S G [IFACE_ADDR]    IP_ADD_SOURCE_MEMBERSHIP: INCLUDE {.., S}
  leave-source S G [IFACE_ADDR]   IP_DROP_SOURCE_MEMBERSHIP
  quit
IFACE_ADDR is the address of the interface (default 0.0.0.0: the kernel picks it from the routing table). One UDP
socket holds every membership. Each command is answered on stdout with "<epoch> ok ..." or "<epoch> error ...";
"<epoch> ready" is printed once the command source is open. SIGTERM closes the socket (the kernel leaves) and exits.
"""
import os
import signal
import socket
import struct
import sys
import time

# Linux <linux/in.h>
IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP = 35, 36
IP_UNBLOCK_SOURCE, IP_BLOCK_SOURCE, IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_SOURCE_MEMBERSHIP = 37, 38, 39, 40

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def say(text):
    sys.stdout.write(f'{time.time():.3f} {text}\n')
    sys.stdout.flush()


def mreq(group, iface):
    """struct ip_mreq: imr_multiaddr, imr_interface."""
    return socket.inet_aton(group) + socket.inet_aton(iface)


def mreq_source(source, group, iface):
    """struct ip_mreq_source (Linux order): imr_multiaddr, imr_interface, imr_sourceaddr."""
    return socket.inet_aton(group) + socket.inet_aton(iface) + socket.inet_aton(source)


COMMANDS = {
    'join': (1, lambda g, i='0.0.0.0': (IP_ADD_MEMBERSHIP, mreq(g, i))),
    'leave': (1, lambda g, i='0.0.0.0': (IP_DROP_MEMBERSHIP, mreq(g, i))),
    'block': (2, lambda s, g, i='0.0.0.0': (IP_BLOCK_SOURCE, mreq_source(s, g, i))),
    'unblock': (2, lambda s, g, i='0.0.0.0': (IP_UNBLOCK_SOURCE, mreq_source(s, g, i))),
    'join-source': (2, lambda s, g, i='0.0.0.0': (IP_ADD_SOURCE_MEMBERSHIP, mreq_source(s, g, i))),
    'leave-source': (2, lambda s, g, i='0.0.0.0': (IP_DROP_SOURCE_MEMBERSHIP, mreq_source(s, g, i))),
}


def shutdown(*_):
    sock.close()  # drops every membership: the kernel sends the leaves
    say('bye')
    sys.exit(0)


def execute(line):
    words = line.split()
    if not words or words[0].startswith('#'):
        return
    if words[0] == 'quit':
        shutdown()
    entry = COMMANDS.get(words[0])
    if entry is None:
        say(f'error unknown command: {line.strip()}')
        return
    arity, build = entry
    if len(words) - 1 < arity:
        say(f'error missing operands: {line.strip()}')
        return
    try:
        option, value = build(*words[1:])
        sock.setsockopt(socket.IPPROTO_IP, option, value)
        say(f'ok {line.strip()}')
    except (OSError, TypeError) as error:
        say(f'error {line.strip()}: {error}')


def main():
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    sock.bind(('0.0.0.0', 0))
    if len(sys.argv) == 3 and sys.argv[1] == '--fifo':
        # Read-write so that the open never blocks and a writer closing it is no end of file.
        stream = os.fdopen(os.open(sys.argv[2], os.O_RDWR), 'r')
    else:
        stream = sys.stdin
    say('ready')
    for line in stream:
        execute(line)
    shutdown()


main()
