#!/usr/bin/env node
// samples/lab/member.mjs — a multicast listener driven by line commands, joining and leaving through the socket
// API only, so the kernel's own IGMP/MLD code is what appears on the wire.
//
//   node member.mjs [--fifo PATH]       commands from PATH (a FIFO, kept open) or else from stdin
//
// Commands, one per line (blank lines and lines starting with # are ignored):
//   join G [IFACE]              any-source join (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP)
//   leave G [IFACE]
//   join-source S G [IFACE]     source-specific join (RFC 3678 IP_ADD_SOURCE_MEMBERSHIP / MCAST_JOIN_SOURCE_GROUP)
//   leave-source S G [IFACE]
//   quit
// IFACE selects the interface: for IPv4 its address (e.g. 10.1.0.10), for IPv6 "::%eth0" (or an address with a
// %scope). Without IFACE the kernel picks the interface from the routing table.
//
// One UDP socket per address family holds every membership (Linux allows 20 IPv4 memberships per socket by
// default, net.ipv4.igmp_max_memberships); IGMPv2/MLDv1 behaviour is chosen by the lab through
// force_igmp_version / force_mld_version, not here. Each command is answered on stdout with "ok ..." or
// "error ...", prefixed by the epoch time; "ready" is printed once the command source is open.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';

const args = process.argv.slice(2);
const fifoIndex = args.indexOf('--fifo');
const fifoPath = fifoIndex >= 0 ? args[fifoIndex + 1] : undefined;

const sockets = { 4: undefined, 6: undefined };

function stamp() {
  return (Date.now() / 1000).toFixed(3);
}

function say(text) {
  process.stdout.write(`${stamp()} ${text}\n`);
}

/** The bound socket for an address family, created on first use. */
async function socketFor(family) {
  if (!sockets[family]) {
    const socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
    await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => say(`error socket: ${error.message}`));
    sockets[family] = socket;
  }
  return sockets[family];
}

function familyOf(address) {
  const family = net.isIP(address);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  return family;
}

const commands = {
  join: { arity: 1, run: (socket, [group, iface]) => socket.addMembership(group, iface) },
  leave: { arity: 1, run: (socket, [group, iface]) => socket.dropMembership(group, iface) },
  'join-source': {
    arity: 2,
    run: (socket, [source, group, iface]) => socket.addSourceSpecificMembership(source, group, iface),
  },
  'leave-source': {
    arity: 2,
    run: (socket, [source, group, iface]) => socket.dropSourceSpecificMembership(source, group, iface),
  },
};

async function execute(line) {
  const words = line.trim().split(/\s+/);
  if (words[0] === '' || words[0].startsWith('#')) return;
  if (words[0] === 'quit') shutdown();
  const command = commands[words[0]];
  if (!command) {
    say(`error unknown command: ${line}`);
    return;
  }
  const operands = words.slice(1);
  if (operands.length < command.arity) {
    say(`error missing operands: ${line}`);
    return;
  }
  try {
    const group = operands[command.arity - 1];
    const socket = await socketFor(familyOf(group));
    command.run(socket, operands);
    say(`ok ${line.trim()}`);
  } catch (error) {
    say(`error ${line.trim()}: ${error.message}`);
  }
}

function shutdown() {
  // Closing the sockets drops every membership: the kernel sends the leaves / state-change reports.
  for (const socket of Object.values(sockets)) socket?.close();
  say('bye');
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

// The FIFO is opened read-write (so it never blocks on open and never sees end-of-file when a writer closes it) and
// non-blocking, and read as a libuv pipe: a blocking fs read would hold a thread-pool thread and stall exit.
const input = fifoPath
  ? new net.Socket({ fd: fs.openSync(fifoPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK), writable: false })
  : process.stdin;
const lines = readline.createInterface({ input, crlfDelay: Infinity });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(() => execute(line));
});
lines.on('close', () => queue.then(shutdown));
say('ready');
