/**
 * socket.io end to end: a real server on an ephemeral port over a real store; clients connect
 * with socket.io-client, subscribe to a group, and get only that group's changes from the hub,
 * while the overview stream (counters) reaches everyone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../../server/app.js';
import type { CountersMessage, FindingEvent, LiveChange } from '../../../server/live/hub.js';
import { makeSampleStore, type SampleStore } from '../routes/sample-store.js';

let sample: SampleStore;
let app: FastifyInstance;
let url = '';
const clients: Socket[] = [];

before(async () => {
  sample = await makeSampleStore();
  app = await buildApp({ store: sample.store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  for (const client of clients) client.disconnect();
  await app?.close();
  await sample?.close();
});

async function connect(): Promise<Socket> {
  const client = io(url, { transports: ['websocket'], reconnection: false });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  return client;
}

const change = (group: string | null, kind = 'group-added'): LiveChange => ({
  captureId: null, time: 1_800_000_000, area: 'membership', kind, link: 'lan-rcv1', group, source: null, detail: { reporter: '10.0.3.10' },
});

/** Everything `event` brings to `client` until `marker` arrives. */
function collectUntil<T>(client: Socket, event: string, done: (payload: T) => boolean): Promise<T[]> {
  const seen: T[] = [];
  return new Promise((resolve) => {
    const listener = (payload: T) => {
      seen.push(payload);
      if (done(payload)) {
        client.off(event, listener);
        resolve(seen);
      }
    };
    client.on(event, listener);
  });
}

test('a subscribed client gets only its group\'s changes; others get all; counters reach everyone', async () => {
  const subscriber = await connect();
  const everything = await connect();
  const ack = await subscriber.emitWithAck('subscribe', { group: '239.1.1.1' });
  assert.deepEqual(ack, { ok: true, data: { group: '239.1.1.1' } });

  const subscriberChanges = collectUntil<LiveChange>(subscriber, 'change', (entry) => entry.kind === 'end');
  const allChanges = collectUntil<LiveChange>(everything, 'change', (entry) => entry.kind === 'end');
  const subscriberCounters = collectUntil<CountersMessage>(subscriber, 'counters', () => true);
  app.hub.publishChange(change('239.2.2.2'));
  app.hub.publishChange(change(null, 'querier-changed'));
  app.hub.publishChange(change('239.1.1.1'));
  app.hub.publishCounters({ time: 1_800_000_001, flows: [], links: [{ link: 'lan-rcv1', pps: 10, bps: 8000 }] });
  app.hub.publishChange(change('239.1.1.1', 'end'));

  assert.deepEqual((await subscriberChanges).map((entry) => `${entry.group}:${entry.kind}`), ['239.1.1.1:group-added', '239.1.1.1:end']);
  assert.deepEqual((await allChanges).map((entry) => `${entry.group}:${entry.kind}`),
    ['239.2.2.2:group-added', 'null:querier-changed', '239.1.1.1:group-added', '239.1.1.1:end']);
  assert.deepEqual((await subscriberCounters)[0]!.links, [{ link: 'lan-rcv1', pps: 10, bps: 8000 }]);
});

test('subscribing to another group moves the client; unsubscribe brings back every change', async () => {
  const client = await connect();
  await client.emitWithAck('subscribe', { group: '239.1.1.1' });
  // Written as a user might: the subscription is to the group as the analyzer writes it (RFC 5952).
  assert.deepEqual(await client.emitWithAck('subscribe', { group: 'FF3E:0:0::8000:1' }), { ok: true, data: { group: 'ff3e::8000:1' } });
  let seen = collectUntil<LiveChange>(client, 'change', (entry) => entry.kind === 'end');
  app.hub.publishChange(change('239.1.1.1'));
  app.hub.publishChange(change('ff3e::8000:1', 'end'));
  assert.deepEqual((await seen).map((entry) => entry.group), ['ff3e::8000:1']);

  assert.deepEqual(await client.emitWithAck('unsubscribe'), { ok: true, data: { group: null } });
  seen = collectUntil<LiveChange>(client, 'change', (entry) => entry.kind === 'end');
  app.hub.publishChange(change('239.1.1.1'));
  app.hub.publishChange(change(null, 'end'));
  assert.deepEqual((await seen).map((entry) => entry.group), ['239.1.1.1', null]);
});

test('findings are pushed as they open and close: a group\'s to its subscribers, network-wide ones to everyone', async () => {
  const subscriber = await connect();
  const everything = await connect();
  await subscriber.emitWithAck('subscribe', { group: '239.1.1.1' });
  const finding = (group: string | null, kind: FindingEvent['finding']['kind']): FindingEvent['finding'] => ({
    kind, severity: 'error', at: 1_800_000_000, until: null, link: 'lan-rcv1', group, source: null, router: null, detail: {}, explanation: 'x', rule: 'RFC 7761 §4.2',
  });
  const event = (change: FindingEvent['change'], group: string | null, kind: FindingEvent['finding']['kind']): FindingEvent =>
    ({ captureId: 1, time: 1_800_000_005, change, finding: finding(group, kind) });
  const toSubscriber = collectUntil<FindingEvent>(subscriber, 'finding', (entry) => entry.change === 'closed');
  const toEveryone = collectUntil<FindingEvent>(everything, 'finding', (entry) => entry.change === 'closed');
  app.hub.publishFinding(event('opened', '239.2.2.2', 'tree.black-hole'));
  app.hub.publishFinding(event('opened', null, 'querier.missing'));
  app.hub.publishFinding(event('opened', '239.1.1.1', 'tree.black-hole'));
  app.hub.publishFinding(event('closed', '239.1.1.1', 'tree.black-hole'));
  assert.deepEqual((await toSubscriber).map((entry) => `${entry.change} ${entry.finding.kind} ${entry.finding.group}`), ['opened tree.black-hole 239.1.1.1', 'closed tree.black-hole 239.1.1.1']);
  assert.deepEqual((await toEveryone).map((entry) => `${entry.change} ${entry.finding.kind} ${entry.finding.group}`),
    ['opened tree.black-hole 239.2.2.2', 'opened querier.missing null', 'opened tree.black-hole 239.1.1.1', 'closed tree.black-hole 239.1.1.1']);
});

test('a subscription names its group as REST does: any valid IPv6 spelling, any case, is the group as the analyzer writes it', async () => {
  for (const typed of ['ff15:0::101', 'FF15::101', 'ff15:0:0:0:0:0:0:101']) {
    const client = await connect();
    assert.deepEqual(await client.emitWithAck('subscribe', { group: typed }), { ok: true, data: { group: 'ff15::101' } }, typed);
    const seen = collectUntil<LiveChange>(client, 'change', (entry) => entry.kind === 'end');
    app.hub.publishChange(change('ff15::102'));
    app.hub.publishChange(change('ff15::101', 'end'));
    assert.deepEqual((await seen).map((entry) => entry.group), ['ff15::101'], typed);
  }
});

test('a subscribe without a multicast group is refused in the ack', async () => {
  const client = await connect();
  for (const request of [{}, { group: 42 }, { group: '10.0.0.1' }, null]) {
    const ack = await client.emitWithAck('subscribe', request);
    assert.equal(ack.ok, false);
    assert.match(ack.error, /subscribe takes \{ group/);
  }
});
