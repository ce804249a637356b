/**
 * Who may use the server (server/access.ts): a real server on an ephemeral port refuses requests
 * naming another host (DNS rebinding) and uploads or live sockets from foreign pages, with 403
 * and the reason, and lets in what --allow-host / --allow-origin allow.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { io } from 'socket.io-client';
import { AccessPolicy, parseAllowedHost, parseAllowedOrigin, type AccessOptions } from '../../server/access.js';
import { buildApp } from '../../server/app.js';
import { makeSampleStore, type SampleStore } from './routes/sample-store.js';

interface Reply {
  status: number;
  body: string;
}

/** One request with the headers given as they are (fetch would set Host itself). */
function send(url: string, options: { method?: string; headers: Record<string, string> }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers }, (incoming) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.method === 'POST' ? Buffer.alloc(64) : undefined);
  });
}

/** Whether a socket.io client sending `origin` gets connected. */
async function socketConnects(url: string, origin: string | null): Promise<boolean> {
  const client = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: origin === null ? {} : { origin } });
  try {
    return await new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true));
      client.once('connect_error', () => resolve(false));
    });
  } finally {
    client.disconnect();
  }
}

describe('the access policy', () => {
  const policy = (address: string, options: AccessOptions = {}) => new AccessPolicy(options, () => [{ address, port: 8080 }]);
  const allows = (checked: AccessPolicy, host: string, origin?: string) => checked.refusal({ host, ...(origin === undefined ? {} : { origin }) }, true) === null;

  test('a loopback bind answers for its address and localhost on its port only', () => {
    const loopback = policy('127.0.0.1');
    for (const host of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080']) assert.ok(allows(loopback, host), host);
    for (const host of ['evil.example:8080', '127.0.0.1:9090', '127.0.0.1', '10.0.0.1:8080', 'user@127.0.0.1:8080', '127.0.0.1:8080/x']) assert.ok(!allows(loopback, host), host);
    assert.ok(allows(policy('::1'), '[::1]:8080'));
    assert.ok(allows(policy('::1'), 'localhost:8080'));
    assert.match(loopback.refusal({}, false) ?? '', /no Host header/);
    assert.equal(loopback.refusal({ host: 'rebound.example:8080' }, false), "Host 'rebound.example:8080' is not this server's address (allow it with --allow-host NAME)");
  });

  test('a wildcard bind answers for the machine\'s own addresses and name; another address only for itself', () => {
    const wildcard = policy('0.0.0.0');
    for (const host of ['localhost:8080', '127.0.0.1:8080', `${hostname()}:8080`]) assert.ok(allows(wildcard, host), host);
    assert.ok(!allows(wildcard, 'evil.example:8080'));
    assert.ok(!allows(policy('10.1.2.3'), 'localhost:8080'));
    assert.ok(allows(policy('10.1.2.3'), '10.1.2.3:8080'));
    assert.ok(allows(policy('10.1.2.3', { listenHost: 'MCAST.lan' }), 'mcast.lan:8080'), 'the name given to --host');
  });

  test('--allow-host names are allowed on any port; --allow-origin origins may change state', () => {
    const allowing = policy('127.0.0.1', { allowHosts: ['mcast.example.org'], allowOrigins: ['https://proxy.example.org'] });
    assert.ok(allows(allowing, 'mcast.example.org'));
    assert.ok(allows(allowing, 'mcast.example.org:8443'));
    assert.ok(allows(allowing, '127.0.0.1:8080', 'https://proxy.example.org'));
    assert.ok(allows(allowing, '127.0.0.1:8080', 'http://localhost:8080'), 'the server\'s own pages');
    assert.ok(!allows(allowing, '127.0.0.1:8080', 'http://evil.example'));
    assert.ok(!allows(allowing, '127.0.0.1:8080', 'null'));
    assert.equal(allowing.refusal({ host: '127.0.0.1:8080', origin: 'http://evil.example' }, false), null, 'a read need not say where it comes from');
  });

  test('option values are checked and kept in the form headers compare', () => {
    assert.equal(parseAllowedHost('Mcast.Example.org'), 'mcast.example.org');
    assert.equal(parseAllowedHost('::1'), '::1');
    assert.equal(parseAllowedOrigin('https://Mcast.Example.org/'), 'https://mcast.example.org');
    for (const text of ['', 'mcast.example.org:8080', 'http://x', 'a b', 'x/y']) assert.throws(() => parseAllowedHost(text), /--allow-host: '.*' is not a host name/, text);
    for (const text of ['mcast.example.org', 'ftp://x', 'https://x/path', 'null']) assert.throws(() => parseAllowedOrigin(text), /--allow-origin: '.*' is not an origin/, text);
  });
});

describe('a listening server', () => {
  let sample: SampleStore;
  let app: FastifyInstance;
  let url = '';
  let port = 0;

  before(async () => {
    sample = await makeSampleStore();
    app = await buildApp({ store: sample.store, access: { allowHosts: ['mcast.test'], allowOrigins: ['https://proxy.test'] } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = app.addresses().find((address) => typeof address !== 'string')!.port;
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await app?.close();
    await sample?.close();
  });

  test('a request naming another host is 403 with the reason; the address served, localhost and an allowed name are answered', async () => {
    for (const host of ['rebound.example', `rebound.example:${port}`, `127.0.0.1:${port + 1}`]) {
      for (const path of ['/api/captures', '/', '/socket.io/?EIO=4&transport=polling']) {
        const reply = await send(`${url}${path}`, { headers: { host } });
        assert.equal(reply.status, 403, `${host} ${path}`);
        assert.match(JSON.parse(reply.body).message, /^Host '.*' is not this server's address \(allow it with --allow-host NAME\)$/);
      }
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'mcast.test']) {
      const reply = await send(`${url}/api/captures`, { headers: { host } });
      assert.equal(reply.status, 200, host);
      assert.deepEqual(JSON.parse(reply.body).map((capture: { id: number }) => capture.id), [sample.capture.id]);
    }
  });

  test('an upload from a foreign page is 403; from the server\'s own page, an allowed origin or without Origin it goes on', async () => {
    const upload = (origin?: string) => send(`${url}/api/captures?name=x.pcap`, {
      method: 'POST', headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/octet-stream', ...(origin === undefined ? {} : { origin }) },
    });
    const foreign = await upload('http://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.body).message, "Origin 'http://evil.example' is not this server (allow it with --allow-origin ORIGIN)");
    // This server has no writable store: 501 says the request got past the access check.
    for (const origin of [undefined, `http://localhost:${port}`, 'https://proxy.test']) assert.equal((await upload(origin)).status, 501, String(origin));
  });

  test('socket.io refuses a foreign Origin, and connects the server\'s own pages, allowed origins and clients without one', async () => {
    assert.equal(await socketConnects(url, 'http://evil.example'), false);
    assert.equal(await socketConnects(url, `http://127.0.0.1:${port}`), true);
    assert.equal(await socketConnects(url, 'https://proxy.test'), true);
    assert.equal(await socketConnects(url, null), true);
    const polling = await send(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { host: `127.0.0.1:${port}`, origin: 'http://evil.example' } });
    assert.equal(polling.status, 403);
    assert.match(JSON.parse(polling.body).message, /Origin 'http:\/\/evil\.example' is not this server/);
  });
});
