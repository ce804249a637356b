/**
 * A throwaway PostgreSQL server (Debian's `postgresql`, binaries in /usr/lib/postgresql/N/bin):
 * initdb into a temporary directory (as the `postgres` user: initdb refuses root), on a free
 * local port, C collation; database(name) creates a database and gives its URL; stop() ends the
 * server and removes the directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';

export interface PostgresServer {
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The directory of PostgreSQL's programs, or null when it is not installed. */
export function postgresBin(): string | null {
  if (!existsSync(POSTGRES_ROOT)) return null;
  const version = readdirSync(POSTGRES_ROOT).sort((a, b) => Number(b) - Number(a))[0];
  return version === undefined ? null : join(POSTGRES_ROOT, version, 'bin');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const asPostgres = (command: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', command, ...args]);

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (bin === null) throw new Error('PostgreSQL is not installed (./setup.sh installs it)');
  const dir = await mkdtemp(join(tmpdir(), 'mcast-pg-'));
  chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const data = join(dir, 'data');
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--locale=C', '-E', 'UTF8']);
  const port = await freePort();
  const child: ChildProcess = spawn('runuser', ['-u', 'postgres', '--', join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  for (let tries = 0; ; tries++) {
    try {
      await asPostgres(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
      break;
    } catch {
      if (tries > 100 || child.exitCode !== null) throw new Error(`postgres did not start: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    async database(name) {
      await asPostgres(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
