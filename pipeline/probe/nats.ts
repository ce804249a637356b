/**
 * Probe records over NATS JetStream: probes publish into one stream (subjects `mcast.PROBE.LINK`,
 * records.ts), which keeps them (its limits: by default until the server's disk fills), and drops a
 * record published twice with the same message id (a probe's retry after a lost acknowledgement)
 * within its duplicate window. The stream is the log the collector's state is a function of: a
 * collector reads it in order with a durable consumer (RecordStream), from its start or from the
 * position its store's latest checkpoint holds, so one that restarts — after a crash, a SIGKILL —
 * goes on from exactly the state it had committed, nothing lost or counted twice.
 *
 * A probe queues its records (at most `maxQueued`; more are dropped, counted and reported) and
 * sends them in order, a window at a time; while the server is unreachable the client reconnects
 * and the window is sent again.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
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
  /** The stream sequence of the latest record read (0: none yet). */
  position: number;
}

/** How long the server waits for an acknowledgement before it sends a record again (read again, it is skipped by its position). */
const ACK_WAIT_MS = 10 * 60_000;

/**
 * A collector's durable consumer of the stream (named after the collector), reading from just
 * after `after` — the position its store's checkpoint holds — in order. The store is where the
 * position is kept for sure (written with the rows it stands for); the consumer is made anew
 * from it at each start, and is acknowledged up to each checkpoint once it is committed
 * (`acknowledger`), so the server (and `nats consumer info`) shows how far the collector has got.
 */
export class RecordStream {
  readonly counts: ConsumerCounts;
  private latest: JsMsg | null = null;

  private constructor(private readonly nc: NatsConnection, private readonly durable: string, after: number) {
    this.counts = { received: 0, unreadable: 0, lastError: null, position: after };
  }

  static async open(url: string, durable: string, after: number): Promise<RecordStream> {
    const nc = await connectTo(url);
    try {
      await ensureStream(nc);
      const jsm = await jetstreamManager(nc);
      await jsm.consumers.delete(STREAM, durable).catch(() => undefined);
      await jsm.consumers.add(STREAM, {
        durable_name: durable, ack_policy: AckPolicy.All, max_ack_pending: -1, ack_wait: ACK_WAIT_MS * 1_000_000,
        ...(after > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 } : { deliver_policy: DeliverPolicy.All }),
      });
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
    return new RecordStream(nc, durable, after);
  }

  /** Hands each record to `take`, with when the stream stored it (epoch seconds), until `stop` resolves. */
  async read(take: (record: ProbeRecord, storedAt: number) => void | Promise<void>, stop: Promise<void>): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(STREAM, this.durable);
    const messages = await consumer.consume({ max_messages: 1000 });
    void stop.then(() => messages.stop());
    for await (const message of messages) {
      // A record sent again (not acknowledged in time, or after a reconnection) was taken already.
      if (message.seq <= this.counts.position) continue;
      this.counts.position = message.seq;
      this.latest = message;
      this.counts.received++;
      let record: ProbeRecord | null = null;
      try {
        record = decodeRecord(message.data);
      } catch (error) {
        if (!(error instanceof ProbeRecordError)) throw error;
        this.counts.unreadable++;
        this.counts.lastError = error.message;
      }
      if (record !== null) await take(record, Number(message.info.timestampNanos) / 1e9);
    }
  }

  /** Acknowledges, when called, every record read so far (call it once they are committed). */
  acknowledger(): () => void {
    const latest = this.latest;
    return () => latest?.ack();
  }

  async close(): Promise<void> {
    // Acknowledgements are sent as they come: close, rather than drain (which waits for a server that may be gone).
    await this.nc.close().catch(() => undefined);
  }
}
