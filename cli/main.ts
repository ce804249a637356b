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
 *   mcast collect --nats URL [...]   many probes' records (analyze --publish) merged into one analysis
 *   mcast serve --db FILE [...]      the web dashboard, REST API and live events over a store
 *   mcast COMMAND --help, mcast --version
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { InputError } from '../capture/input-error.js';
import type { ListenOptions } from './commands/serve.js';
import { parseAllowedHost, parseAllowedOrigin } from '../server/access.js';
import { DEFAULT_LATENESS } from '../pipeline/collector.js';
import { BUNDLED_SAMPLE } from './bundled-sample.js';
import { DEFAULT_BUFFER_SIZE } from '../capture/sources/live-capture.js';
import { parseDecimal, parsePort, parseTime } from './options.js';
import { escapeControl } from './output/escape.js';


type Command = (args: string[]) => Promise<void>;

interface CommandSpec {
  /** What `mcast COMMAND --help` prints, and the command's part of the usage. */
  usage: string;
  run: Command;
}

/** --at for analyze and findings: null when not given. */
const timeOption = (text: string | undefined) => (text === undefined ? null : parseTime('--at', text));

/** Where a dashboard listens (--port, --host) and who else may use it (--allow-host, --allow-origin: repeatable). */
const repeatable = { type: 'string', multiple: true } as const;
const LISTEN_OPTIONS = {
  port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' },
  'allow-host': { ...repeatable, default: [] as string[] }, 'allow-origin': { ...repeatable, default: [] as string[] },
} as const;
const LISTEN_USAGE = '[--port 8080] [--host 127.0.0.1] [--allow-host NAME]... [--allow-origin ORIGIN]...';

function listenOptions(values: { port: string; host: string; 'allow-host': string[]; 'allow-origin': string[] }): ListenOptions {
  return {
    port: parsePort('--port', values.port), host: values.host,
    allowHosts: values['allow-host'].map(parseAllowedHost), allowOrigins: values['allow-origin'].map(parseAllowedOrigin),
  };
}

const COMMANDS: Record<string, CommandSpec> = {
  stats: {
    usage: `  mcast stats FILE... [--json]   per-link counts of every IGMP/MLD/PIM message kind, decode errors, data flows,
                                 and the capture's time span (first and last frame)`,
    async run(args) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
      const { statsCommand } = await import('./commands/stats.js');
      await statsCommand(positionals, { json: values.json === true });
    },
  },
  analyze: {
    usage: `  mcast analyze FILE... [--at T] [--topology topo.json] [--json] [--timeline] [--all] [--db FILE]
                                 the network's state at T (epoch seconds or ISO 8601 such as
                                 2026-03-01T08:46:05.123Z; default: end of capture): routers, links, group
                                 membership, PIM joins and asserts, RP mappings, flows, inferred trees,
                                 routers by name (--topology's, else the inferred router id); link-local
                                 groups and their control-protocol flows only with --all; or, with
                                 --timeline, every state change with its time; with --db, store the whole
                                 analysis (state over time, changes, messages, counters) in SQLite
  mcast analyze FILE... --publish nats://HOST:PORT --probe NAME [--speed X] [--topology topo.json] [--json]
                                 replay the files as probe NAME: decoded control packets, per-second
                                 flow state and counters go to NATS JetStream for mcast collect; at X
                                 times the capture's pace (default: as fast as it reads)`,
    async run(args) {
      const { values, positionals } = parseArgs({
        args, allowPositionals: true,
        options: {
          at: { type: 'string' }, topology: { type: 'string' }, json: { type: 'boolean', default: false }, timeline: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, db: { type: 'string' },
          publish: { type: 'string' }, probe: { type: 'string' }, speed: { type: 'string' },
        },
      });
      if (values.publish !== undefined || values.probe !== undefined) {
        if (values.publish === undefined || values.probe === undefined) throw new InputError('--publish and --probe go together: --publish nats://HOST:PORT --probe NAME', 'usage');
        if (values.db !== undefined || values.at !== undefined || values.timeline === true) throw new InputError('--publish replays the whole capture to a collector: it takes no --db, --at or --timeline', 'usage');
        const speed = values.speed === undefined ? null : parseDecimal('--speed', values.speed, 'a pace greater than 0 (1: as captured)', { min: 0, minExclusive: true });
        const [{ publishFiles, parseProbeName }, { parseNatsUrl }, { loadTopology }] = await Promise.all([
          import('./commands/collect.js'), import('../pipeline/probe/nats.js'), import('./commands/analyze.js')]);
        await publishFiles(positionals, {
          url: parseNatsUrl('--publish', values.publish), probe: parseProbeName('--probe', values.probe), topology: await loadTopology(values.topology ?? null), json: values.json === true, speed,
        });
        return;
      }
      if (values.speed !== undefined) throw new InputError('--speed paces a replay to a collector: it goes with --publish', 'usage');
      const { analyzeCommand } = await import('./commands/analyze.js');
      await analyzeCommand(positionals, {
        at: timeOption(values.at), topology: values.topology ?? null, json: values.json === true, timeline: values.timeline === true, all: values.all === true,
        db: values.db ?? null,
      });
    },
  },
  findings: {
    usage: `  mcast findings FILE... [--at T] [--topology topo.json] [--severity error|warning|info] [--json]
                                 what is wrong on the network (or worth knowing): querier problems,
                                 membership and SSM misuse, black holes, unwanted data, duplicate
                                 forwarders, asserts, PIM neighbors and DRs, leaks, MAC mapping, bad
                                 checksums; each with its interval, place, explanation and RFC rule;
                                 errors first; with --at (as for analyze), only what held at T`,
    async run(args) {
      const { values, positionals } = parseArgs({
        args, allowPositionals: true,
        options: { at: { type: 'string' }, topology: { type: 'string' }, severity: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      const { findingsCommand, parseSeverity } = await import('./commands/findings.js');
      await findingsCommand(positionals, {
        at: timeOption(values.at), topology: values.topology ?? null, severity: parseSeverity(values.severity), json: values.json === true,
      });
    },
  },
  demo: {
    usage: `  mcast demo ${LISTEN_USAGE} [--db FILE]
                                 the bundled sample (${BUNDLED_SAMPLE}):
                                 its analysis printed, stored (default: a temporary file of this run's
                                 own, removed when it stops) and served on the dashboard`,
    async run(args) {
      const { values } = parseArgs({ args, allowPositionals: false, options: { ...LISTEN_OPTIONS, db: { type: 'string' } } });
      const { demoCommand } = await import('./commands/demo.js');
      await demoCommand({ ...listenOptions(values), db: values.db ?? null });
    },
  },
  interfaces: {
    usage: '  mcast interfaces [--json]      the devices live capture can use: name, link type, state, addresses',
    async run(args) {
      const { values } = parseArgs({ args, allowPositionals: false, options: { json: { type: 'boolean', default: false } } });
      const { interfacesCommand } = await import('./commands/interfaces.js');
      await interfacesCommand({ json: values.json === true });
    },
  },
  capture: {
    usage: `  mcast capture --iface IF [--iface LINK=IF ...] [--filter BPF] [--duration S] [--write FILE.pcapng]
                [--buffer MiB] [--json] [--db FILE] [--serve ${LISTEN_USAGE}] [--publish nats://HOST:PORT --probe NAME]
                                 live capture (root, or CAP_NET_RAW + CAP_NET_ADMIN) through the same
                                 analysis; a summary at the end (Ctrl-C stops); --json: one JSON object
                                 per line (started, change, status, summary); --db: into a store as
                                 analyze --db does; --serve: the dashboard with live events meanwhile;
                                 --publish: as probe NAME to NATS JetStream, for mcast collect`,
    async run(args) {
      const { values } = parseArgs({
        args, allowPositionals: false,
        options: {
          iface: { type: 'string', multiple: true, default: [] }, filter: { type: 'string' }, duration: { type: 'string' },
          write: { type: 'string' }, buffer: { type: 'string' }, json: { type: 'boolean', default: false },
          db: { type: 'string' }, serve: { type: 'boolean', default: false }, ...LISTEN_OPTIONS, publish: { type: 'string' }, probe: { type: 'string' },
        },
      });
      if ((values.publish === undefined) !== (values.probe === undefined)) throw new InputError('--publish and --probe go together: --publish nats://HOST:PORT --probe NAME', 'usage');
      const [{ captureCommand }, { parseProbeName }, { parseNatsUrl }] = await Promise.all([
        import('./commands/capture.js'), import('./commands/collect.js'), import('../pipeline/probe/nats.js')]);
      const publish = values.publish === undefined ? null : { url: parseNatsUrl('--publish', values.publish), probe: parseProbeName('--probe', values.probe!) };
      const bufferMiB = values.buffer === undefined ? DEFAULT_BUFFER_SIZE / 2 ** 20
        : parseDecimal('--buffer', values.buffer, 'a buffer size in MiB (1-2047)', { min: 1, max: 2047 });
      const duration = values.duration === undefined ? null
        : parseDecimal('--duration', values.duration, 'a positive number of seconds', { min: 0, minExclusive: true });
      await captureCommand({
        interfaces: values.iface, filter: values.filter ?? null, duration,
        write: values.write ?? null, json: values.json === true, bufferSize: Math.round(bufferMiB * 2 ** 20),
        db: values.db ?? null, serve: values.serve === true, ...listenOptions(values), publish,
      });
    },
  },
  collect: {
    usage: `  mcast collect --nats nats://HOST:PORT [--db FILE | --postgres URL] [--serve ${LISTEN_USAGE}]
                [--probes NAME,...] [--lateness S] [--name NAME] [--json]
                                 merge the records of many probes (analyze --publish) into one analysis
                                 of the whole network, in packet-time order (a record more than S seconds,
                                 default ${DEFAULT_LATENESS}, behind the newest no longer waits for its probe: it counts as
                                 late); --db (or --postgres postgres://USER@HOST/DB): into a store as
                                 analyze --db does, as capture collector:NAME (default collector), with
                                 a checkpoint of its state about once a second: a collector of that name
                                 started again (after a crash or a stop) resumes from it; runs until every
                                 probe of --probes has ended (the capture is then complete, and a new start
                                 reads the stream afresh), or until SIGINT / SIGTERM; --serve: the dashboard over its
                                 store (a temporary one without --db), live as records come`,
    async run(args) {
      const { values } = parseArgs({
        args, allowPositionals: false,
        options: {
          nats: { type: 'string' }, db: { type: 'string' }, postgres: { type: 'string' }, probes: { type: 'string' }, lateness: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false },
          serve: { type: 'boolean', default: false }, ...LISTEN_OPTIONS,
        },
      });
      if (values.nats === undefined) throw new InputError('collect needs --nats nats://HOST:PORT (where the probes publish)', 'usage');
      if (values.postgres !== undefined && values.db !== undefined) throw new InputError('give the store once: --db FILE or --postgres URL', 'usage');
      const [{ collectCommand, parseProbeName }, { parseNatsUrl }, { isPostgresUrl }] = await Promise.all([
        import('./commands/collect.js'), import('../pipeline/probe/nats.js'), import('../store/database.js')]);
      if (values.postgres !== undefined && !isPostgresUrl(values.postgres)) throw new InputError(`--postgres must be a postgres:// URL, not '${values.postgres}'`, 'usage');
      await collectCommand({
        nats: parseNatsUrl('--nats', values.nats), db: values.db ?? values.postgres ?? null,
        probes: values.probes === undefined ? null : values.probes.split(',').map((name) => parseProbeName('--probes', name)),
        lateness: values.lateness === undefined ? DEFAULT_LATENESS : parseDecimal('--lateness', values.lateness, 'a number of seconds, 0 or more', { min: 0 }),
        name: values.name === undefined ? 'collector' : parseProbeName('--name', values.name),
        json: values.json === true, serve: values.serve === true, ...listenOptions(values),
      });
    },
  },
  serve: {
    usage: `  mcast serve --db FILE ${LISTEN_USAGE} [--upload-limit MB]
                                 the web dashboard, REST API (/api) and live events (socket.io) over a
                                 store made by analyze --db; uploaded captures are analyzed into it;
                                 requests naming another host than the address served, and uploads or
                                 live sockets from pages of other origins, are refused unless allowed`,
    async run(args) {
      const { values } = parseArgs({ args, allowPositionals: false, options: { db: { type: 'string' }, ...LISTEN_OPTIONS, 'upload-limit': { type: 'string' } } });
      if (values.db === undefined) throw new InputError('serve needs --db FILE (a store made by: mcast analyze FILE... --db FILE)', 'usage');
      const uploadLimit = values['upload-limit'] === undefined ? undefined
        : parseDecimal('--upload-limit', values['upload-limit'], 'a size in MB greater than 0', { min: 0, minExclusive: true }) * 1024 * 1024;
      const { serveCommand } = await import('./commands/serve.js');
      await serveCommand({ db: values.db, ...listenOptions(values), uploadLimit });
    },
  },
};

const USAGE = `usage:
${Object.values(COMMANDS).map((command) => command.usage).join('\n')}
  mcast COMMAND --help           that command's usage
  mcast --version                the version of mcast`;

async function version(): Promise<string> {
  const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

function commandNamed(name: string | undefined): CommandSpec | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** --help or -h among a command's options (before a `--` that ends them). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** An error as the one line (or lines, each escaped) the user sees. */
function report(message: string): void {
  process.stderr.write(`mcast: ${message.split('\n').map(escapeControl).join('\n')}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? commandNamed(args[0]) : undefined;
    process.stdout.write(`${topic ? `usage:\n${topic.usage}` : USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${await version()}\n`);
    return 0;
  }
  const command = commandNamed(name);
  try {
    if (!command) throw new InputError(`unknown command '${name}'\n${USAGE}`, 'usage');
    if (asksForHelp(args)) {
      process.stdout.write(`usage:\n${command.usage}\n`);
      return 0;
    }
    await command.run(args);
    return 0;
  } catch (error) {
    // parseArgs reports unknown/invalid options with ERR_PARSE_ARGS_* codes: usage errors.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof InputError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      report((error as Error).message);
      return error instanceof InputError ? error.exitCode : 2;
    }
    // Anything else is mcast's fault: still one line; MCAST_DEBUG=1 shows where it came from.
    report(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env['MCAST_DEBUG'] === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** A reader that stopped listening (`mcast ... | head`) ends the run quietly; other output errors are one line. */
function exitOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') report(`cannot write the output: ${error.message}`);
    process.exit(error.code === 'EPIPE' ? 0 : 1);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  exitOnClosedOutput();
  process.exitCode = await main(process.argv.slice(2));
}
