#!/usr/bin/env node
/**
 * mcast — watch IP multicast on a network and explain it.
 *
 *   mcast stats FILE... [--json]     counts per link, message kind, group record kind; data flows
 *   mcast analyze FILE... [...]      membership, PIM state, flows and trees at a moment, or the timeline
 *   mcast findings FILE... [...]     what is wrong on the network, where, since when, why (with the RFC rule)
 *   mcast demo                       analyze the bundled sample capture and serve the dashboard
 *   mcast interfaces [--json]        the devices live capture can use
 *   mcast capture --iface IF [...]   live capture through the same analysis
 *   mcast serve --db FILE [...]      the web dashboard, REST API and live events over a store
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { InputError } from '../capture/input-error.js';
import { statsCommand } from './commands/stats.js';
import { analyzeCommand } from './commands/analyze.js';
import { findingsCommand, parseSeverity } from './commands/findings.js';
import { serveCommand } from './commands/serve.js';
import { captureCommand } from './commands/capture.js';
import { interfacesCommand } from './commands/interfaces.js';
import { BUNDLED_SAMPLE, demoCommand } from './commands/demo.js';
import { DEFAULT_BUFFER_SIZE } from '../capture/sources/live-capture.js';


const USAGE = `usage:
  mcast stats FILE... [--json]   per-link counts of every IGMP/MLD/PIM message kind, decode errors, data flows
  mcast analyze FILE... [--at T] [--topology topo.json] [--json] [--timeline] [--db FILE]
                                 the network's state at T (epoch seconds; default: end of capture): routers,
                                 links, group membership, PIM joins and asserts, flows, inferred trees; or,
                                 with --timeline, every state change with its time; with --db, store the
                                 whole analysis (state over time, changes, messages, counters) in SQLite
  mcast findings FILE... [--at T] [--topology topo.json] [--severity error|warning|info] [--json]
                                 what is wrong on the network (or worth knowing): querier problems,
                                 membership and SSM misuse, black holes, unwanted data, duplicate
                                 forwarders, asserts, PIM neighbors and DRs, leaks, MAC mapping, bad
                                 checksums; each with its interval, place, explanation and RFC rule;
                                 errors first; with --at, only what held at T
  mcast demo [--port 8080] [--host 127.0.0.1] [--db FILE]
                                 the bundled sample (${BUNDLED_SAMPLE}):
                                 its analysis printed, stored (default: a file in the temp directory)
                                 and served on the dashboard
  mcast interfaces [--json]      the devices live capture can use: name, link type, state, addresses
  mcast capture --iface IF [--iface LINK=IF ...] [--filter BPF] [--duration S] [--write FILE.pcapng]
                [--buffer MiB] [--json] [--db FILE] [--serve [--port 8080] [--host 127.0.0.1]]
                                 live capture (root, or CAP_NET_RAW + CAP_NET_ADMIN) through the same
                                 analysis; a summary at the end (Ctrl-C stops); --json: one JSON object
                                 per line (started, change, status, summary); --db: into a store as
                                 analyze --db does; --serve: the dashboard with live events meanwhile
  mcast serve --db FILE [--port 8080] [--host 127.0.0.1] [--upload-limit MB]
                                 the web dashboard, REST API (/api) and live events (socket.io) over a
                                 store made by analyze --db; uploaded captures are analyzed into it`;

type Command = (args: string[]) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  async stats(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    await statsCommand(positionals, { json: values.json === true });
  },
  async analyze(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { at: { type: 'string' }, topology: { type: 'string' }, json: { type: 'boolean', default: false }, timeline: { type: 'boolean', default: false }, db: { type: 'string' } },
    });
    await analyzeCommand(positionals, {
      at: values.at === undefined ? null : Number(values.at), topology: values.topology ?? null, json: values.json === true, timeline: values.timeline === true,
      db: values.db ?? null,
    });
  },
  async findings(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { at: { type: 'string' }, topology: { type: 'string' }, severity: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    await findingsCommand(positionals, {
      at: values.at === undefined ? null : Number(values.at), topology: values.topology ?? null, severity: parseSeverity(values.severity), json: values.json === true,
    });
  },
  async interfaces(args) {
    const { values } = parseArgs({ args, allowPositionals: false, options: { json: { type: 'boolean', default: false } } });
    await interfacesCommand({ json: values.json === true });
  },
  async capture(args) {
    const { values } = parseArgs({
      args, allowPositionals: false,
      options: {
        iface: { type: 'string', multiple: true, default: [] }, filter: { type: 'string' }, duration: { type: 'string' },
        write: { type: 'string' }, buffer: { type: 'string' }, json: { type: 'boolean', default: false },
        db: { type: 'string' }, serve: { type: 'boolean', default: false }, port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port takes a port number (0-65535), not '${values.port}'`, 'usage');
    const bufferMiB = values.buffer === undefined ? DEFAULT_BUFFER_SIZE / 2 ** 20 : Number(values.buffer);
    if (!(bufferMiB >= 1 && bufferMiB <= 2047)) throw new InputError('--buffer takes MiB between 1 and 2047', 'usage');
    await captureCommand({
      interfaces: values.iface, filter: values.filter ?? null, duration: values.duration === undefined ? null : Number(values.duration),
      write: values.write ?? null, json: values.json === true, bufferSize: Math.round(bufferMiB * 2 ** 20),
      db: values.db ?? null, serve: values.serve === true, port, host: values.host ?? '127.0.0.1',
    });
  },
  async serve(args) {
    const { values } = parseArgs({
      args, allowPositionals: false,
      options: { db: { type: 'string' }, port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, 'upload-limit': { type: 'string' } },
    });
    if (values.db === undefined) throw new InputError('serve needs --db FILE (a store made by: mcast analyze FILE... --db FILE)', 'usage');
    const uploadLimit = values['upload-limit'] === undefined ? undefined : Number(values['upload-limit']) * 1024 * 1024;
    await serveCommand({ db: values.db, port: Number(values.port), host: values.host ?? '127.0.0.1', uploadLimit });
  },
  async demo(args) {
    const { values } = parseArgs({
      args, allowPositionals: false,
      options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, db: { type: 'string' } },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port takes a port number (0-65535), not '${values.port}'`, 'usage');
    await demoCommand({ port, host: values.host ?? '127.0.0.1', db: values.db ?? null });
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new InputError(`unknown command '${name}'\n${USAGE}`, 'usage');
    await command(args);
    return 0;
  } catch (error) {
    // parseArgs reports unknown/invalid options with ERR_PARSE_ARGS_* codes: usage errors.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof InputError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`mcast: ${(error as Error).message}\n`);
      return error instanceof InputError ? error.exitCode : 2;
    }
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
