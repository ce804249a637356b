/**
 * The store read by time (store-api.ts), over one SQLite file or PostgreSQL database (database.ts). Every query filters in SQL and
 * reads only the rows it returns (plus COUNT for paging): nothing loads a whole capture.
 *
 *   stateAt(T)    facts whose interval [start, end) contains T, with flow and link counters
 *                 taken from the running totals of the last counted second at or before T; of one
 *                 capture, or of every capture counting at T merged into one (merged-state.ts)
 *   changes       the timeline, filtered and paged
 *   messages      control messages, filtered and paged
 *   flowSeries    per-second packets/bytes of one (source, group)
 *   mediaSeries   per-second delivery quality of one RTP / MPEG-TS (source, group), per link
 *   memberSeries  reporters per link of one group, from the membership facts
 */
import { DEFAULT_FLOW_OPTIONS } from '../capture/model/flows.js';
import { CaptureWriter, type WriterOptions } from './capture-writer.js';
import { FACT_SPECS } from './facts.js';
import { capturesCountingAt, mergeSnapshots, type CaptureSpan } from './merged-state.js';
import { migrate } from './migrations.js';
import { captureRecord, changeRecord, findingRecord, messageRecord, readCapture, type CaptureRow, type ChangeRow, type FindingRow, type MessageRow } from './records.js';
import type { Severity } from '../shapes/findings.js';
import { SEVERITY_ORDER } from '../shapes/severity.js';
import { isPostgresUrl, type SqlDatabase, type SqlValue } from './database.js';
import { SqliteDatabase, type OpenOptions } from './sqlite.js';
import type {
  CaptureRecord, ChangeFilter, ChangeRecord, CounterPoint, QualityPoint, FactKind, FindingFilter, FindingRecord, MessageFilter, MessageRecord, Page, StoreReader, StoredSnapshot,
} from './store-api.js';

/** Rates over the same window the analyzer uses: the `rateWindow` complete seconds before T. */
const RATE_WINDOW = DEFAULT_FLOW_OPTIONS.rateWindow;

export interface CaptureCounts {
  messages: number;
  changes: number;
  facts: number;
  /** Per-second flow counter rows. */
  counters: number;
}

/** Builds `WHERE a = ? AND b >= ? ...` from the conditions whose value is given. */
/** SQL: the row's group is link-local (224.0.0.0/24, ff02::/16), never routed. */
const LINK_LOCAL_GROUP = "grp LIKE '224.0.0.%' OR grp LIKE 'ff02:%'";

class Conditions {
  readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];

  add(clause: string, value: SqlValue | undefined, times = 1): this {
    if (value === undefined) return this;
    this.clauses.push(clause);
    for (let i = 0; i < times; i++) this.params.push(value);
    return this;
  }

  get where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

function emptySnapshot(at: number): StoredSnapshot {
  return { at, routers: [], links: [], memberships: [], joins: [], asserts: [], flows: [], trees: [], rps: [], bsrs: [], registers: [], anomalies: [], latencies: [] };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

type FlowSeriesQuery = Parameters<StoreReader['flowSeries']>[0];

/** The rows of one (source, group) per second (counters, media_seconds: both keyed capture, source, group, link, second). */
function flowSecondConditions(query: FlowSeriesQuery): Conditions {
  const conditions = new Conditions()
    .add('capture_id = ?', query.captureId)
    .add('source = ?', query.source).add('grp = ?', query.group).add('link = ?', query.link)
    .add('second >= ?', Math.floor(query.from)).add('second <= ?', query.to === undefined ? undefined : Math.floor(query.to));
  // Over every capture: an IN list still lets SQLite seek the primary key per capture.
  if (query.captureId === undefined) conditions.clauses.unshift('capture_id IN (SELECT id FROM captures)');
  return conditions;
}

export class SqlStore implements StoreReader {
  private constructor(readonly db: SqlDatabase, readonly path: string) {}

  /** Opens (creating and migrating unless read-only) the SQLite file at `path`, or the PostgreSQL database of a postgres:// URL. */
  static async open(path: string, options: OpenOptions = {}): Promise<SqlStore> {
    // The PostgreSQL client is loaded only for a PostgreSQL store (a SQLite run does not wait for it).
    const db = isPostgresUrl(path) ? await (await import('./postgres.js')).PostgresDatabase.open(path, options) : await SqliteDatabase.open(path, options);
    try {
      await migrate(db, path);
    } catch (error) {
      await db.close();
      throw error;
    }
    return new SqlStore(db, path);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** A writer for one new capture (call its `begin`). */
  writer(options: Partial<WriterOptions> = {}): CaptureWriter {
    if (this.db.readonly) throw new Error(`${this.path}: opened read-only`);
    return new CaptureWriter(this.db, options);
  }

  async captures(): Promise<CaptureRecord[]> {
    return (await this.db.all<CaptureRow>('SELECT * FROM captures ORDER BY id')).map(captureRecord);
  }

  capture(id: number): Promise<CaptureRecord | null> {
    return readCapture(this.db, id);
  }

  /** How many rows a capture has in each table. */
  async captureCounts(captureId: number): Promise<CaptureCounts> {
    const count = async (table: string) => (await this.db.get<{ total: number }>(`SELECT COUNT(*) AS total FROM ${table} WHERE capture_id = ?`, [captureId]))?.total ?? 0;
    return { messages: await count('messages'), changes: await count('changes'), facts: await count('facts'), counters: await count('counters') };
  }

  async timeRange(captureId?: number): Promise<{ start: number; end: number } | null> {
    const { where, params } = new Conditions().add('id = ?', captureId);
    const row = await this.db.get<{ start: number | null; end: number | null }>(`SELECT MIN(start_time) AS "start", MAX(end_time) AS "end" FROM captures ${where}`, params);
    return row?.start == null || row.end == null ? null : { start: row.start, end: row.end };
  }

  async busiestMoment(captureId?: number): Promise<{ at: number | null; running: boolean }> {
    const running = (await this.db.get<{ count: number }>("SELECT COUNT(*) AS count FROM captures WHERE status = 'running'"))?.count ?? 0;
    const { where, params } = new Conditions().add('capture_id = ?', captureId);
    const routable = `kind IN ('membership', 'flow', 'join') AND (grp IS NULL OR NOT (${LINK_LOCAL_GROUP}))`;
    const facts = await this.db.all<{ kind: FactKind; start: number; end: number | null; content: string }>(
      `SELECT kind, start_time AS "start", end_time AS "end", content FROM facts ${where === '' ? `WHERE ${routable}` : `${where} AND ${routable}`}`, params);
    const range = await this.timeRange(captureId);
    if (range === null) return { at: null, running: running > 0 };
    // A sweep over the intervals' ends (a fact holds from its start, up to but not at its end).
    const steps: [time: number, delta: number][] = [];
    for (const fact of facts) {
      if (fact.kind === 'flow' && (JSON.parse(fact.content) as { forwarders: unknown[] }).forwarders.length === 0) continue;
      steps.push([fact.start, 1]);
      steps.push([fact.end ?? range.end, -1]);
    }
    steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let best = { count: 0, start: range.end, length: -1 };
    steps.forEach(([time, delta], index) => {
      open += delta;
      const next = steps[index + 1]?.[0] ?? range.end;
      if (next <= time) return;
      if (open > best.count || (open === best.count && next - time > best.length)) best = { count: open, start: time, length: next - time };
    });
    return { at: best.count === 0 ? null : best.start + best.length / 2, running: running > 0 };
  }

  async stateAt(time: number, captureId?: number): Promise<StoredSnapshot> {
    if (captureId !== undefined) return this.captureStateAt(time, captureId);
    const spans = await this.db.all<CaptureSpan>('SELECT id, start_time AS "start", end_time AS "end" FROM captures');
    const ids = capturesCountingAt(spans, time);
    if (ids.length === 1) return this.captureStateAt(time, ids[0]!);
    return mergeSnapshots(time, await Promise.all(ids.map((id) => this.captureStateAt(time, id))));
  }

  /** One capture's facts holding at `time`, with its counters. */
  private async captureStateAt(time: number, id: number): Promise<StoredSnapshot> {
    const snapshot = emptySnapshot(time);
    const lists = snapshot as unknown as Record<string, unknown[]>;
    // ?1 the capture, ?2 the time; the counters' ?3 T's second, ?4 the second before, ?5 the second before the rate window.
    const during = 'f.capture_id = ?1 AND f.start_time <= ?2 AND (f.end_time IS NULL OR f.end_time > ?2)';
    const facts = await this.db.all<{ kind: FactKind; content: string }>(
      `SELECT kind, content FROM facts f WHERE ${during} AND kind NOT IN ('flow', 'link') ORDER BY kind, key`, [id, time]);
    for (const fact of facts) lists[FACT_SPECS[fact.kind].list]!.push(JSON.parse(fact.content));

    const second = Math.floor(time);
    const total = (column: string, table: string, match: string, before: string) =>
      `(SELECT ${column} FROM ${table} c WHERE c.capture_id = f.capture_id AND ${match} AND c.second <= ${before} ORDER BY c.second DESC LIMIT 1)`;
    const flowMatch = 'c.source = f.source AND c.grp = f.grp AND c.link = f.link';
    const flows = await this.db.all<{ content: string; packets: number | null; bytes: number | null; recentPackets: number | null; recentBytes: number | null; earlierPackets: number | null; earlierBytes: number | null }>(
      `SELECT content,
        ${total('total_packets', 'counters', flowMatch, '?3')} AS packets, ${total('total_bytes', 'counters', flowMatch, '?3')} AS bytes,
        ${total('total_packets', 'counters', flowMatch, '?4')} AS "recentPackets", ${total('total_bytes', 'counters', flowMatch, '?4')} AS "recentBytes",
        ${total('total_packets', 'counters', flowMatch, '?5')} AS "earlierPackets", ${total('total_bytes', 'counters', flowMatch, '?5')} AS "earlierBytes"
       FROM facts f WHERE ${during} AND kind = 'flow' ORDER BY key`,
      [id, time, second, second - 1, second - 1 - RATE_WINDOW]);
    for (const row of flows) {
      const flow = JSON.parse(row.content) as StoredSnapshot['flows'][number];
      flow.packets = row.packets ?? 0;
      flow.bytes = row.bytes ?? 0;
      flow.pps = round(((row.recentPackets ?? 0) - (row.earlierPackets ?? 0)) / RATE_WINDOW);
      flow.bps = round((((row.recentBytes ?? 0) - (row.earlierBytes ?? 0)) * 8) / RATE_WINDOW);
      snapshot.flows.push(flow);
    }

    const linkMatch = 'c.link = f.link';
    const links = await this.db.all<{ content: string; frames: number | null; decodeErrors: number | null }>(
      `SELECT content, ${total('total_frames', 'link_counters', linkMatch, '?3')} AS frames, ${total('total_decode_errors', 'link_counters', linkMatch, '?3')} AS "decodeErrors"
       FROM facts f WHERE ${during} AND kind = 'link' ORDER BY key`,
      [id, time, second]);
    for (const row of links) {
      const link = JSON.parse(row.content) as StoredSnapshot['links'][number];
      link.frames = row.frames ?? 0;
      link.decodeErrors = row.decodeErrors ?? 0;
      snapshot.links.push(link);
    }
    return snapshot;
  }

  async changes(filter: ChangeFilter): Promise<Page<ChangeRecord>> {
    const conditions = new Conditions()
      .add('capture_id = ?', filter.captureId).add('time >= ?', filter.from).add('time <= ?', filter.to)
      .add('area = ?', filter.area).add('kind = ?', filter.kind).add('link = ?', filter.link);
    // RP and BSR changes are domain-wide (no group): the range they map is in their detail, and the log shows it as their group.
    if (filter.group?.includes('/')) conditions.add(`(grp = ? OR (grp IS NULL AND ${this.db.jsonText('detail', 'groupPrefix')} = ?))`, filter.group, 2);
    else conditions.add('grp = ?', filter.group);
    if (filter.routable === true) conditions.clauses.push(`(grp IS NULL OR NOT (${LINK_LOCAL_GROUP}))`);
    return this.page(filter, conditions, 'changes', (row: ChangeRow) => changeRecord(row));
  }

  async findings(filter: FindingFilter): Promise<Page<FindingRecord>> {
    const severities = filter.severity === undefined ? undefined : (Object.keys(SEVERITY_ORDER) as Severity[]).filter((severity) => SEVERITY_ORDER[severity] <= SEVERITY_ORDER[filter.severity!]);
    const conditions = new Conditions()
      .add('capture_id = ?', filter.captureId).add('time <= ?', filter.to).add('(until IS NULL OR until >= ?)', filter.from)
      .add('kind = ?', filter.kind).add('link = ?', filter.link).add('grp = ?', filter.group);
    if (severities !== undefined) conditions.clauses.push(`severity IN (${severities.map((severity) => `'${severity}'`).join(', ')})`);
    const { where, params } = conditions;
    const count = await this.db.get<{ total: number }>(`SELECT COUNT(*) AS total FROM findings ${where}`, params);
    const rows = await this.db.all<FindingRow>(
      `SELECT * FROM findings ${where} ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, time, id LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset]);
    return { items: rows.map(findingRecord), total: count?.total ?? 0, limit: filter.limit, offset: filter.offset };
  }

  async messages(filter: MessageFilter): Promise<Page<MessageRecord>> {
    const conditions = new Conditions()
      .add('capture_id = ?', filter.captureId).add('time >= ?', filter.from).add('time <= ?', filter.to)
      .add('kind = ?', filter.kind).add('link = ?', filter.link)
      .add(this.db.textContains("',' || groups || ','", "',' || ? || ','"), filter.group);
    return this.page(filter, conditions, 'messages', (row: MessageRow) => messageRecord(row));
  }

  async flowSeries(query: FlowSeriesQuery): Promise<CounterPoint[]> {
    const conditions = flowSecondConditions(query);
    return this.db.all<CounterPoint>(
      `SELECT second AS "time", SUM(packets) AS packets, SUM(bytes) AS bytes FROM counters ${conditions.where} GROUP BY second ORDER BY second`, conditions.params);
  }

  async mediaSeries(query: FlowSeriesQuery): Promise<QualityPoint[]> {
    const conditions = flowSecondConditions(query);
    return this.db.all<QualityPoint>(
      `SELECT second AS "time", link, format, packets, bytes, delay_factor_ms AS "delayFactorMs", media_loss_rate AS "mediaLossRate",
        lost_packets AS "lostPackets", jitter_ms AS "jitterMs" FROM media_seconds ${conditions.where} ORDER BY second, link`, conditions.params);
  }

  async memberSeries(query: { group: string; from: number; to: number; captureId?: number }): Promise<{ time: number; link: string; members: number }[]> {
    const conditions = new Conditions()
      .add('grp = ?', query.group).add("kind = 'membership' AND start_time <= ?", query.to)
      .add('(end_time IS NULL OR end_time >= ?)', query.from).add('capture_id = ?', query.captureId);
    const facts = await this.db.all<{ link: string; start_time: number; end_time: number | null; content: string }>(
      `SELECT link, start_time, end_time, content FROM facts ${conditions.where} ORDER BY start_time`, conditions.params);
    // Where one fact ends another may begin (the same link, new content): the beginning wins.
    const points = new Map<string, { time: number; link: string; members: number }>();
    for (const fact of facts) {
      if (fact.end_time !== null && fact.end_time <= query.to) points.set(`${fact.end_time}|${fact.link}`, { time: fact.end_time, link: fact.link, members: 0 });
    }
    for (const fact of facts) {
      const time = Math.max(fact.start_time, query.from);
      const members = (JSON.parse(fact.content) as { reporters: string[] }).reporters.length;
      points.set(`${time}|${fact.link}`, { time, link: fact.link, members });
    }
    return [...points.values()].sort((a, b) => a.time - b.time || a.link.localeCompare(b.link));
  }

  private async page<Row, T>(filter: { limit: number; offset: number }, conditions: Conditions, table: string, toRecord: (row: Row) => T): Promise<Page<T>> {
    const { where, params } = conditions;
    const count = await this.db.get<{ total: number }>(`SELECT COUNT(*) AS total FROM ${table} ${where}`, params);
    const rows = await this.db.all<Row>(`SELECT * FROM ${table} ${where} ORDER BY time, id LIMIT ? OFFSET ?`, [...params, filter.limit, filter.offset]);
    return { items: rows.map(toRecord), total: count?.total ?? 0, limit: filter.limit, offset: filter.offset };
  }
}
