#!/usr/bin/env node
// samples/lab/send.mjs — a paced multicast UDP sender for the labs.
//
//   node send.mjs --group G --port P [--pps N] [--size B] [--ttl T] [--bind ADDR] [--iface IF] [--count N]
//
//   --group  IPv4 or IPv6 multicast group                    --port   destination UDP port
//   --pps    packets per second (default 10)                 --size   UDP payload bytes (default 120, ≥ 32)
//   --ttl    IPv4 TTL / IPv6 hop limit (default 16)          --bind   source address (and IPv4 egress interface)
//   --iface  IPv6 egress interface name (e.g. eth0)          --count  stop after N packets (default: until SIGTERM)
//
// Payload (ASCII, padded with '.' to --size): "mcast-lab seq=<n> t=<epoch ms> g=<group>\n". The sequence number
// starts at 0 and counts every packet of this sender, so gaps and duplicates are visible in a capture.
// On SIGTERM/SIGINT it prints "sent <n>" to stdout and exits.
import dgram from 'node:dgram';
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    group: { type: 'string' },
    port: { type: 'string' },
    pps: { type: 'string', default: '10' },
    size: { type: 'string', default: '120' },
    ttl: { type: 'string', default: '16' },
    bind: { type: 'string' },
    iface: { type: 'string' },
    count: { type: 'string' },
  },
});

const MIN_PAYLOAD = 32;
const group = values.group;
const port = Number(values.port);
const pps = Number(values.pps);
const size = Number(values.size);
const ttl = Number(values.ttl);
const count = values.count === undefined ? Infinity : Number(values.count);
const family = net.isIP(group ?? '');

if (family === 0 || !(port > 0 && port < 65536) || !(pps > 0) || !(size >= MIN_PAYLOAD) || !(ttl >= 1)) {
  process.stderr.write('usage: send.mjs --group G --port P [--pps N] [--size B] [--ttl T] [--bind ADDR] ' +
    '[--iface IF] [--count N]\n');
  process.exit(2);
}

const socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
const payload = Buffer.alloc(size, '.');
let sequence = 0;
let timer;

function finish() {
  clearInterval(timer);
  process.stdout.write(`sent ${sequence}\n`);
  socket.close();
  process.exit(0);
}

function sendOne() {
  const header = `mcast-lab seq=${sequence} t=${Date.now()} g=${group}\n`;
  payload.fill('.');
  payload.write(header, 0, 'ascii');
  sequence++;
  if (sequence < count) {
    socket.send(payload, port, group);
  } else {
    clearInterval(timer);
    socket.send(payload, port, group, finish);
  }
}

socket.bind(0, values.bind, () => {
  socket.setMulticastTTL(ttl);
  socket.setMulticastLoopback(false);
  if (family === 4 && values.bind) socket.setMulticastInterface(values.bind);
  if (family === 6 && values.iface) socket.setMulticastInterface(`::%${values.iface}`);
  timer = setInterval(sendOne, 1000 / pps);
});

process.on('SIGTERM', finish);
process.on('SIGINT', finish);
