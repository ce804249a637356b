/** `mcast serve` as a user runs it: serves a store made by `analyze --db`, says so in one line when the port is taken, stops on SIGTERM. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { makeSampleStore, type SampleStore } from './sample-store.js';

const run = promisify(execFile);
const CLI = 'dist/cli/main.js';
let sample: SampleStore;
let server: ChildProcess | null = null;

before(async () => {
  sample = await makeSampleStore();
});

after(async () => {
  if (server?.exitCode === null) server.kill('SIGKILL');
  await sample?.close();
});

/** Starts `mcast serve` on an ephemeral port and returns its URL once it says it is serving. */
async function serve(...options: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', sample.dbPath, '--port', '0', ...options], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
    if (url) return { child, url };
  }
  throw new Error(`mcast serve did not start: ${output}`);
}

test('mcast serve: binds 127.0.0.1, serves the store and the dashboard, stops on SIGTERM', async () => {
  const started = await serve();
  server = started.child;
  const captures = await (await fetch(`${started.url}api/captures`)).json() as { id: number }[];
  assert.deepEqual(captures.map((capture) => capture.id), [sample.capture.id]);
  const page = await fetch(started.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/js\/main.js">/);
  for (const script of ['/js/main.js', '/vendor/chart.umd.js', '/socket.io/socket.io.min.js']) {
    assert.equal((await fetch(new URL(script, started.url))).status, 200, script);
  }

  const port = new URL(started.url).port;
  const taken = await run(process.execPath, [CLI, 'serve', '--db', sample.dbPath, '--port', port]).then(() => null, (error: { code: number; stderr: string }) => error);
  assert.ok(taken, 'a second server on the same port fails');
  assert.equal(taken.code, 1);
  assert.equal(taken.stderr, `mcast: port ${port} on 127.0.0.1 is already in use: choose another with --port\n`);

  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  assert.equal(code, 0);
});

test('mcast serve without --db or with a missing file: a one-line usage error', async () => {
  for (const args of [['serve'], ['serve', '--db', '/nonexistent/x.sqlite']]) {
    const failed = await run(process.execPath, [CLI, ...args]).then(() => null, (error: { code: number; stderr: string }) => error);
    assert.ok(failed);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /^mcast: (serve needs --db FILE|cannot open \/nonexistent\/x\.sqlite: no such file).*\n$/);
  }
});

/** The status of a GET naming `host` in its Host header. */
function statusFor(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (reply) => {
      reply.resume();
      resolve(reply.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

test('mcast serve --allow-host: that name is answered besides the address served; other names are 403; bad values a usage error', async () => {
  const started = await serve('--allow-host', 'mcast.example.org', '--allow-origin', 'https://mcast.example.org');
  try {
    const api = `${started.url}api/captures`;
    assert.equal(await statusFor(api, 'mcast.example.org'), 200);
    assert.equal(await statusFor(api, new URL(started.url).host), 200);
    assert.equal(await statusFor(api, 'other.example.org'), 403);
  } finally {
    started.child.kill('SIGTERM');
    await once(started.child, 'exit');
  }
  for (const [option, value] of [['--allow-host', 'a/b'], ['--allow-origin', 'mcast.example.org']] as const) {
    const failed = await run(process.execPath, [CLI, 'serve', '--db', sample.dbPath, option, value]).then(() => null, (error: { code: number; stderr: string }) => error);
    assert.ok(failed, `${option} ${value}`);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, new RegExp(`^mcast: ${option}: '${value}' is not an? (host name|origin).*\n$`));
  }
});
