/**
 * `mcast serve --db out.sqlite [--port 8080] [--host 127.0.0.1] [--upload-limit MB]
 * [--allow-host NAME]... [--allow-origin ORIGIN]...`: the REST API, socket.io and the dashboard
 * over a store written by `mcast analyze --db` (uploads are analyzed into the same store). Binds
 * to 127.0.0.1 unless told otherwise: the dashboard shows the network's addresses and accepts
 * uploads, so exposing it is the user's explicit choice. Requests for other names than the
 * address served, and uploads or live sockets from other origins, are refused (server/access.ts)
 * unless allowed.
 */
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp, type CaptureIngest } from '../../server/app.js';
import type { AccessOptions } from '../../server/access.js';
import { InputError } from '../../capture/input-error.js';
import { LiveHub } from '../../server/live/hub.js';
import { ingestFiles } from '../../pipeline/ingest.js';
import { describeProblem } from '../../pipeline/file-source.js';
import type { SqlStore } from '../../store/sql-store.js';
import { openStore } from '../open-store.js';
import { escapeControl } from '../output/escape.js';

/** Where the server listens, and who else may use it. */
export interface ListenOptions {
  port: number;
  host: string;
  /** Names a Host header may carry besides the address served (--allow-host). */
  allowHosts?: readonly string[];
  /** Origins whose pages may upload and open the live socket (--allow-origin). */
  allowOrigins?: readonly string[];
}

export interface ServeOptions extends ListenOptions {
  db: string;
  /** Largest upload in bytes. */
  uploadLimit?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The upload route's way into the store: the same analysis as `mcast analyze --db`, its changes published to the hub. */
export function storeIngest(store: SqlStore, hub: LiveHub): CaptureIngest {
  return async (file, onProgress) => {
    const problems: string[] = [];
    const record = await ingestFiles([file], store, { source: file.name, publisher: hub, onProgress, onProblem: (problem) => problems.push(describeProblem(problem)) });
    return { ...record, problems };
  };
}

/**
 * Starts the server on an open store (also used in-process by `mcast capture --serve`, which
 * publishes its live events to `hub`). A port already taken is a one-line InputError.
 */
export async function startServer(store: SqlStore, options: ListenOptions & { hub?: LiveHub; uploadLimit?: number }): Promise<RunningServer> {
  const hub = options.hub ?? new LiveHub();
  const access: AccessOptions = { listenHost: options.host, allowHosts: options.allowHosts, allowOrigins: options.allowOrigins };
  const app = await buildApp({ store, hub, ingest: storeIngest(store, hub), uploadLimit: options.uploadLimit, access });
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`port ${options.port} on ${options.host} is already in use: choose another with --port`);
    if (code === 'EACCES') throw new InputError(`not allowed to listen on port ${options.port} (ports below 1024 need privileges): choose another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InputError(`cannot listen on ${options.host}: no such local address`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}/`, close: () => app.close() };
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  const info = await stat(options.db).catch(() => null);
  if (info === null) throw new InputError(`cannot open ${options.db}: no such file (make one with: mcast analyze FILE... --db ${options.db})`, 'usage');
  if (!info.isFile()) throw new InputError(`${options.db} is not a database file (make one with: mcast analyze FILE... --db FILE)`, 'usage');
  const store = await openStore(options.db);
  let server: RunningServer;
  try {
    server = await startServer(store, options);
  } catch (error) {
    await store.close();
    throw error;
  }
  process.stdout.write(`mcast: serving ${escapeControl(options.db)} at ${server.url} (Ctrl-C to stop)\n`);
  await untilStopped();
  await server.close();
  await store.close();
}

/** Resolves at the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
