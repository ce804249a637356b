/**
 * The mcast server: a fastify instance serving the REST API under /api, the dashboard's static
 * files, chart.js and cytoscape, and socket.io on the same http server.
 *
 * Services are decorations typed below: `store` (read side of the SQLite store), `hub` (live
 * events that analysis runs publish) and `ingest` (analyzes an uploaded capture into the store;
 * absent when the server runs without a writable store). Every request first passes the access
 * policy (access.ts: its Host, and the Origin of uploads and socket.io), else it is a 403 with the
 * reason. One error handler turns validation errors into 400 with the parameter and the reason in words; unknown routes are 404 JSON.
 */
import { STATUS_CODES } from 'node:http';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { StoreReader } from '../store/store-api.js';
import type { UploadResult } from '../shapes/api.js';
import { AccessPolicy, type AccessOptions } from './access.js';
import { LiveHub } from './live/hub.js';
import { attachSocket, type LiveSocket } from './live/socket.js';
import { apiRoutes } from './routes/api/index.js';
import { describeValidation } from './validation-message.js';

/**
 * Analyzes one uploaded capture file into the store (its changes going out live as they are
 * stored), reporting progress; `name` is the file's name as uploaded. Bad input is an InputError.
 */
export type CaptureIngest = (
  file: { path: string; name: string },
  onProgress: (progress: { bytesRead: number; frames: number }) => void,
) => Promise<UploadResult>;

export interface AppOptions {
  store: StoreReader;
  hub?: LiveHub;
  ingest?: CaptureIngest | null;
  /** Largest accepted upload in bytes (default 200 MiB). */
  uploadLimit?: number;
  /** Hosts and origins allowed besides the address served. */
  access?: AccessOptions;
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: StoreReader;
    hub: LiveHub;
    ingest: CaptureIngest | null;
    uploadLimit: number;
    live: LiveSocket;
  }
}

export const DEFAULT_UPLOAD_LIMIT = 200 * 1024 * 1024;
/** Methods that only read: their Origin does not matter (a foreign page cannot read the reply without CORS). */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_PUBLIC = join(REPO_ROOT, 'web', 'public');
/** The browser build (web/tsconfig.json): its rootDir is the repository, so web/src's modules land in dist/web/web/src. */
const WEB_SCRIPTS = join(REPO_ROOT, 'dist', 'web', 'web', 'src');
const CHART_UMD = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
/** cytoscape's browser build (the network map); its package exports only the CommonJS/ESM entries, beside which it lies. */
const CYTOSCAPE_UMD = join(dirname(createRequire(import.meta.url).resolve('cytoscape')), 'cytoscape.min.js');

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // An unknown query parameter is a 400 (fastify's default would drop it silently).
  const app = fastify({ logger: options.logger ?? false, ajv: { customOptions: { removeAdditional: false } } });
  app.decorate('store', options.store);
  app.decorate('hub', options.hub ?? new LiveHub());
  app.decorate('ingest', options.ingest ?? null);
  app.decorate('uploadLimit', options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT);
  const access = new AccessPolicy(options.access ?? {}, () => app.addresses().filter((address) => typeof address !== 'string'));
  app.decorate('live', attachSocket(app.server, app.hub, access));
  app.addHook('onClose', () => app.live.close());
  app.addHook('onRequest', async (request, reply) => {
    // Requests injected in-process (app.inject) come from no network peer.
    if (!app.server.listening) return;
    const refusal = access.refusal(request.headers, !READ_METHODS.has(request.method));
    if (refusal !== null) return reply.status(403).send({ statusCode: 403, error: STATUS_CODES[403], message: refusal });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const part = error.validationContext === 'querystring' ? 'query' : error.validationContext;
      const input = part === undefined ? undefined : (request as unknown as Record<string, unknown>)[part];
      return reply.status(400).send({ statusCode: 400, error: STATUS_CODES[400], message: describeValidation(error.validation, error.validationContext, input) });
    }
    // Errors that carry an HTTP status (HttpError, fastify's own) say why; anything else is our fault.
    if (error.statusCode !== undefined && error.statusCode >= 400) {
      return reply.status(error.statusCode).send({ statusCode: error.statusCode, error: STATUS_CODES[error.statusCode] ?? 'Error', message: error.message });
    }
    request.log.error(error);
    return reply.status(500).send({ statusCode: 500, error: STATUS_CODES[500], message: 'internal server error' });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({
    statusCode: 404, error: STATUS_CODES[404], message: `no route ${request.method} ${request.url.split('?')[0]}`,
  }));

  await app.register(apiRoutes, { prefix: '/api' });
  await app.register(fastifyStatic, { root: WEB_PUBLIC, prefix: '/' });
  await app.register(fastifyStatic, { root: WEB_SCRIPTS, prefix: '/js/', decorateReply: false });
  // Browsers ask for /favicon.ico on pages that name no icon (the API's JSON): the dashboard's SVG icon.
  app.get('/favicon.ico', (_request, reply) => reply.sendFile('favicon.svg'));
  app.get('/vendor/chart.umd.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(createReadStream(CHART_UMD)));
  app.get('/vendor/cytoscape.min.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(createReadStream(CYTOSCAPE_UMD)));
  return app;
}
