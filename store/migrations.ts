/**
 * The store's schema, as numbered migrations, the same on SQLite and PostgreSQL (postgresStatement
 * words them for PostgreSQL). The schema version (SQLite: `PRAGMA user_version`; PostgreSQL: the
 * table mcast_schema) holds how many have been applied; opening a database applies the missing
 * ones, each in its own transaction. A database written by a newer mcast (a version above what
 * this one knows) is refused, never altered.
 *
 * Tables (every row belongs to a capture; deleting the capture deletes them):
 *   captures       one analysis run: files or a live capture, time span, totals, status
 *   links          per capture and link: first/last frame, frames, decode errors
 *   messages       one row per IGMP/MLD/PIM message (never per data packet), with a one-line summary
 *   changes        the timeline: every state change the analyzer emitted
 *   facts          snapshot rows as intervals [start_time, end_time) of packet time (end NULL while open)
 *   counters       multicast data per second, link and (source, group), with running totals
 *   link_counters  frames and decode errors per second and link, with running totals
 *   findings       what is wrong (capture/findings/): kind, severity, [time, until), place, detail, rule;
 *                  serial: its number in the run, the row a later write of the same finding replaces
 *   media_seconds  each complete second of an RTP / MPEG-TS flow per link (RFC 4445 DF:MLR, loss, jitter)
 *   checkpoints    a collector's state with its stream position, written with the rows it stands for
 *                  (pipeline/checkpoint.ts): a restarted collector resumes from it
 */
import type { SqlDatabase } from './database.js';

export const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE captures (
      id INTEGER PRIMARY KEY,
      source TEXT NOT NULL,
      fingerprint TEXT NOT NULL UNIQUE,
      start_time REAL,
      end_time REAL,
      frames INTEGER NOT NULL DEFAULT 0,
      decode_errors INTEGER NOT NULL DEFAULT 0,
      links TEXT NOT NULL DEFAULT '[]',
      status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'stopped')),
      analyzed_at REAL NOT NULL
    )`,
    `CREATE TABLE links (
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      first_seen REAL NOT NULL,
      last_seen REAL NOT NULL,
      frames INTEGER NOT NULL,
      decode_errors INTEGER NOT NULL,
      PRIMARY KEY (capture_id, name)
    ) WITHOUT ROWID`,
    `CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      time REAL NOT NULL,
      frame INTEGER NOT NULL,
      link TEXT NOT NULL,
      kind TEXT NOT NULL,
      src TEXT,
      dst TEXT,
      groups TEXT,
      summary TEXT NOT NULL
    )`,
    'CREATE INDEX messages_by_time ON messages (capture_id, time)',
    'CREATE INDEX messages_by_kind ON messages (kind, time)',
    'CREATE INDEX messages_by_link ON messages (link, time)',
    `CREATE TABLE changes (
      id INTEGER PRIMARY KEY,
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      time REAL NOT NULL,
      area TEXT NOT NULL,
      kind TEXT NOT NULL,
      link TEXT,
      grp TEXT,
      source TEXT,
      detail TEXT NOT NULL
    )`,
    'CREATE INDEX changes_by_time ON changes (capture_id, time)',
    'CREATE INDEX changes_by_group ON changes (grp, time)',
    'CREATE INDEX changes_by_link ON changes (link, time)',
    `CREATE TABLE facts (
      id INTEGER PRIMARY KEY,
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      start_time REAL NOT NULL,
      end_time REAL,
      link TEXT,
      grp TEXT,
      source TEXT,
      content TEXT NOT NULL
    )`,
    'CREATE INDEX facts_by_time ON facts (capture_id, start_time)',
    'CREATE INDEX facts_open ON facts (capture_id, kind, key) WHERE end_time IS NULL',
    'CREATE INDEX facts_by_group ON facts (grp, kind, start_time)',
    `CREATE TABLE counters (
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      second INTEGER NOT NULL,
      link TEXT NOT NULL,
      source TEXT NOT NULL,
      grp TEXT NOT NULL,
      packets INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      total_packets INTEGER NOT NULL,
      total_bytes INTEGER NOT NULL,
      PRIMARY KEY (capture_id, source, grp, link, second)
    ) WITHOUT ROWID`,
    `CREATE TABLE link_counters (
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      second INTEGER NOT NULL,
      link TEXT NOT NULL,
      frames INTEGER NOT NULL,
      decode_errors INTEGER NOT NULL,
      total_frames INTEGER NOT NULL,
      total_decode_errors INTEGER NOT NULL,
      PRIMARY KEY (capture_id, link, second)
    ) WITHOUT ROWID`,
  ],
  [
    `CREATE TABLE findings (
      id INTEGER PRIMARY KEY,
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
      time REAL NOT NULL,
      until REAL,
      link TEXT,
      grp TEXT,
      source TEXT,
      router TEXT,
      detail TEXT NOT NULL,
      explanation TEXT NOT NULL,
      rule TEXT NOT NULL
    )`,
    'CREATE INDEX findings_by_time ON findings (capture_id, time)',
  ],
  [
    `CREATE TABLE media_seconds (
      capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
      second INTEGER NOT NULL,
      link TEXT NOT NULL,
      source TEXT NOT NULL,
      grp TEXT NOT NULL,
      format TEXT NOT NULL,
      packets INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      delay_factor_ms REAL,
      media_loss_rate INTEGER NOT NULL,
      lost_packets INTEGER NOT NULL,
      jitter_ms REAL,
      PRIMARY KEY (capture_id, source, grp, link, second)
    ) WITHOUT ROWID`,
  ],
  [
    `CREATE TABLE checkpoints (
      capture_id INTEGER PRIMARY KEY REFERENCES captures(id) ON DELETE CASCADE,
      stream_position INTEGER NOT NULL,
      packet_time REAL,
      taken_at REAL NOT NULL,
      format TEXT NOT NULL,
      state BLOB NOT NULL
    )`,
    // The collector process writing the capture (a random token): one started later under the same name takes it over.
    'ALTER TABLE captures ADD COLUMN writer_token TEXT',
  ],
  [
    // A finding's number in its run (0, 1, ... as they opened): the row a later write of the same finding replaces.
    'ALTER TABLE findings ADD COLUMN serial INTEGER',
    'CREATE UNIQUE INDEX findings_by_serial ON findings (capture_id, serial)',
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaVersionError extends Error {}

/**
 * A statement of MIGRATIONS as PostgreSQL takes it: 64-bit integers (SQLite's INTEGER is 64-bit),
 * doubles (SQLite's REAL is 8 bytes), identity keys (but a key that is also a reference stays a plain
 * BIGINT), BYTEA for BLOB, no WITHOUT ROWID.
 */
function postgresStatement(sql: string): string {
  return sql.replace(/\bINTEGER PRIMARY KEY REFERENCES\b/g, 'BIGINT PRIMARY KEY REFERENCES').replace(/\bINTEGER PRIMARY KEY\b/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY').replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION').replace(/\bBLOB\b/g, 'BYTEA').replace(/\)\s*WITHOUT ROWID/g, ')');
}

/**
 * Brings the schema up to SCHEMA_VERSION. A read-only connection only checks: it needs a database
 * that is already current.
 */
export async function migrate(db: SqlDatabase, path: string): Promise<void> {
  const version = await schemaVersionLocked(db);
  if (version > SCHEMA_VERSION) {
    throw new SchemaVersionError(`${path}: database schema version ${version} is newer than this mcast supports (${SCHEMA_VERSION}); upgrade mcast to read it`);
  }
  if (version === SCHEMA_VERSION) return;
  if (db.readonly) {
    throw new SchemaVersionError(`${path}: database schema version ${version} is older than ${SCHEMA_VERSION}; open it once read-write to upgrade it`);
  }
  for (let next = version; next < SCHEMA_VERSION; next++) {
    await db.transaction(async () => {
      await lockSchema(db);
      if ((await db.schemaVersion()) > next) return; // another process migrated it meanwhile
      for (const statement of MIGRATIONS[next]!) await db.exec(db.engine === 'postgres' ? postgresStatement(statement) : statement);
      await db.setSchemaVersion(next + 1);
    });
  }
}

/** Any number, the same for every mcast: PostgreSQL's advisory lock on the schema. */
const SCHEMA_LOCK = 0x6d63_6173;

/**
 * Serializes migrations of one PostgreSQL database by several processes (collectors started together):
 * an advisory lock held until the transaction ends. SQLite's BEGIN IMMEDIATE already serializes them.
 */
async function lockSchema(db: SqlDatabase): Promise<void> {
  if (db.engine === 'postgres') await db.get('SELECT pg_advisory_xact_lock(?)', [SCHEMA_LOCK]);
}

/** The schema version; on PostgreSQL read under the lock (reading it may create the version table). */
async function schemaVersionLocked(db: SqlDatabase): Promise<number> {
  if (db.engine !== 'postgres' || db.readonly) return db.schemaVersion();
  return db.transaction(async () => {
    await lockSchema(db);
    return db.schemaVersion();
  });
}
