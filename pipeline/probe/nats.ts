/**
 * Probe records over NATS JetStream: probes publish into one stream (subjects `mcast.PROBE.LINK`,
 * records.ts), which keeps them (its limits: by default until the server's disk fills), and drops a
 * record published twice with the same message id (a probe's retry after a lost acknowledgement)
 * within its duplicate window. The stream is the log the collector's state is a function of: a
 * collector reads it from its first record, in order (an ordered consumer), so one that restarts —
 * after a crash, a SIGKILL — rebuilds exactly the state it had and goes on, nothing lost or
 * counted twice (its store capture is rewritten, pipeline/sinks/store-sink.ts).
 *
 * A probe queues its records (at most `maxQueued`; more are dropped, counted and reported) and
 * sends them in order, a window at a time; while the server is unreachable the client reconnects
 * and the window is sent again.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { InputError } from '../../capture/input-error.js';
import type { RecordPublisher } from '../sinks/probe-sink.js';
import { decodeRecord, encodeRecord, ProbeRecordError, recordSubject, SUBJECT_ROOT, type ProbeRecord } from './records.js';

export const STREAM = 'MCAST';
/** Records published without waiting for their acknowledgements. */
const WINDOW = 256;
const RETRY_MS = 500;
/** How long a probe that is stopping keeps trying to send what it has queued. */
const CLOSE_WAIT_MS = 10_000;

export function parseNatsUrl(option: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${option} must be a NATS server URL such as nats://127.0.0.1:4222, not '${text}'`, 'usage');
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') throw new InputError(`${option} must be a nats:// (or tls://) URL, not '${text}'`, 'usage');
  return text;
}

async function connectTo(url: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: RETRY_MS, name: 'mcast' });
  } catch (error) {
    throw new InputError(`cannot reach the NATS server at ${url}: ${(error as Error).message}`);
  }
}

/** The stream the records go to, made when it is not there yet. */
async function ensureStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_ROOT}.>`] });
  }
}

export interface PublisherCounts {
  published: number;
  /** Records dropped because the queue was full (the server unreachable for long), or left when the probe stopped. */
  dropped: number;
  /** Sends that failed and were tried again. */
  retries: number;
  /** The most records queued at once. */
  maxQueued: number;
}

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
}

export interface PublisherOptions {
  /** Records queued at most; more are dropped (counted). */
  maxQueued: number;
  /** Start without the server (a live probe captures meanwhile, queueing), rather than fail when it cannot be reached. */
  waitForServer: boolean;
}

export class NatsPublisher implements RecordPublisher {
  readonly counts: PublisherCounts = { published: 0, dropped: 0, retries: 0, maxQueued: 0 };
  private readonly queue: { subject: string; data: Uint8Array; id: string }[] = [];
  private sending: Promise<void> | null = null;
  private connected: Connected | null = null;
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly ready: Promise<Connected>,
    /** Unique per run of a probe: message ids are `RUN-SEQ`. */
    private readonly runId: string,
    private readonly maxQueued: number,
  ) {
    void ready.then((connected) => { this.connected = connected; }, () => undefined);
  }

  static async open(url: string, probe: string, options: Partial<PublisherOptions> = {}): Promise<NatsPublisher> {
    const connectedTo = async (nc: NatsConnection) => {
      await ensureStream(nc);
      return { nc, js: jetstream(nc) };
    };
    const runId = `${probe}-${Date.now().toString(36)}`;
    const maxQueued = options.maxQueued ?? 200_000;
    if (options.waitForServer !== true) return new NatsPublisher(Promise.resolve(await connectedTo(await connectTo(url))), runId, maxQueued);
    const ready = connect({ servers: url, waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: RETRY_MS, name: 'mcast' }).then(connectedTo);
    return new NatsPublisher(ready, runId, maxQueued);
  }

  /** Encodes now (a packet's bytes are views into a frame the reader reuses) and queues. */
  publish(record: ProbeRecord): void {
    if (this.queue.length >= this.maxQueued) {
      this.counts.dropped++;
      return;
    }
    this.queue.push({ subject: recordSubject(record), data: encodeRecord(record), id: `${this.runId}-${this.seq++}` });
    if (this.queue.length > this.counts.maxQueued) this.counts.maxQueued = this.queue.length;
    this.sending ??= this.send();
  }

  async drain(): Promise<void> {
    while (this.queue.length >= WINDOW * 8 && this.sending) await this.sending;
  }

  /** Sends what is queued; past `waitMs`, a failing send (or no server yet) ends it, and what is left counts as dropped. */
  async close(waitMs = CLOSE_WAIT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A long queue to a server that answers takes its time; only a server failing past the deadline cuts it short.
    const deadline = Date.now() + waitMs;
    const retriesBefore = this.counts.retries;
    while (this.sending && (Date.now() < deadline || (this.connected !== null && this.counts.retries === retriesBefore))) {
      await Promise.race([this.sending, new Promise((resolve) => setTimeout(resolve, RETRY_MS))]);
    }
    this.counts.dropped += this.queue.length;
    this.queue.length = 0;
    if (this.connected) await this.connected.nc.close();
    else void this.ready.then(({ nc }) => nc.close(), () => undefined);
  }

  private async send(): Promise<void> {
    const { js } = await this.ready;
    while (this.queue.length > 0) {
      const window = this.queue.slice(0, WINDOW);
      const results = await Promise.allSettled(window.map((entry) => js.publish(entry.subject, entry.data, { msgID: entry.id })));
      const failed = results.findIndex((result) => result.status === 'rejected');
      const sent = failed < 0 ? window.length : failed;
      this.queue.splice(0, sent);
      this.counts.published += sent;
      if (failed >= 0) {
        // The rest of the window goes again (JetStream drops those it already has, by message id).
        this.counts.retries++;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    this.sending = null;
  }
}

export interface ConsumerCounts {
  received: number;
  /** Records that could not be read (another version, damaged): counted, not applied. */
  unreadable: number;
  lastError: string | null;
}

/** Reads the stream from its first record, in order, until `stop` resolves, handing each record to `take` with when the stream stored it (epoch seconds). */
export async function consumeRecords(url: string, take: (record: ProbeRecord, storedAt: number) => void | Promise<void>, stop: Promise<void>): Promise<ConsumerCounts> {
  const nc = await connectTo(url);
  const counts: ConsumerCounts = { received: 0, unreadable: 0, lastError: null };
  try {
    await ensureStream(nc);
    const consumer = await jetstream(nc).consumers.get(STREAM);
    const messages = await consumer.consume({ max_messages: 1000 });
    void stop.then(() => messages.stop());
    for await (const message of messages) {
      counts.received++;
      let record: ProbeRecord | null = null;
      try {
        record = decodeRecord(message.data);
      } catch (error) {
        if (!(error instanceof ProbeRecordError)) throw error;
        counts.unreadable++;
        counts.lastError = error.message;
      }
      if (record !== null) await take(record, Number(message.info.timestampNanos) / 1e9);
    }
  } finally {
    // Nothing to hand back to the server: close, rather than drain (which waits for a server that may be gone).
    await nc.close().catch(() => undefined);
  }
  return counts;
}
