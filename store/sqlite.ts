/**
 * A small promise layer over `sqlite3.Database`: run/get/all/exec, a multi-row INSERT helper and
 * transactions. The connection runs in serialized mode (statements execute in the order they
 * were issued) and transactions are queued, so two writers sharing a connection never interleave
 * their BEGIN/COMMIT. A read-write database is opened in WAL mode with `synchronous=NORMAL`: a
 * killed process loses at most its uncommitted transaction and the file always opens again.
 *
 * Measured here (see /work/shared/README.md): one `run` per row is ~50 k rows/s, a prepared
 * INSERT of 50 rows per statement ~450 k rows/s — hence `BatchInsert`.
 */
import sqlite3 from 'sqlite3';
import { TransactionQueue, upsertClause, type BatchInserter, type SqlDatabase, type SqlValue, type Upsert } from './database.js';

export type { SqlValue } from './database.js';

/** Rows per multi-row INSERT statement. */
export const ROWS_PER_INSERT = 50;
const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  readonly?: boolean;
}

export class SqliteDatabase implements SqlDatabase {
  readonly engine = 'sqlite';
  private readonly transactions = new TransactionQueue((sql) => this.exec(sql), 'BEGIN IMMEDIATE');

  private constructor(private readonly db: sqlite3.Database, readonly readonly: boolean) {}

  static async open(path: string, options: OpenOptions = {}): Promise<SqliteDatabase> {
    const readonly = options.readonly === true;
    const mode = readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle: sqlite3.Database = new sqlite3.Database(path, mode, (error) => (error ? reject(error) : resolve(handle)));
    });
    db.serialize();
    db.configure('busyTimeout', BUSY_TIMEOUT_MS);
    const database = new SqliteDatabase(db, readonly);
    if (!readonly) {
      await database.exec('PRAGMA journal_mode=WAL');
      await database.exec('PRAGMA synchronous=NORMAL');
    }
    await database.exec('PRAGMA foreign_keys=ON');
    return database;
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number; lastId: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (error) {
        if (error) reject(error);
        else resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (error, row) => (error ? reject(error) : resolve(row as T | undefined)));
    });
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[])));
    });
  }

  async insertReturningId(sql: string, params: readonly SqlValue[]): Promise<number> {
    return (await this.run(sql, params)).lastId;
  }

  batchInsert(table: string, columns: readonly string[], upsert?: Upsert): BatchInserter {
    return new BatchInsert(this, table, columns, upsertClause(upsert));
  }

  async schemaVersion(): Promise<number> {
    return (await this.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
  }

  setSchemaVersion(version: number): Promise<void> {
    return this.exec(`PRAGMA user_version = ${version}`);
  }

  textContains(haystack: string, needle: string): string {
    return `instr(${haystack}, ${needle}) > 0`;
  }

  jsonText(column: string, field: string): string {
    return `json_extract(${column}, '$.${field}')`;
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (error) => (error ? reject(error) : resolve()));
    });
  }

  prepare(sql: string): Promise<PreparedStatement> {
    return new Promise((resolve, reject) => {
      const statement: sqlite3.Statement = this.db.prepare(sql, (error) => (error ? reject(error) : resolve(new PreparedStatement(statement))));
    });
  }

  /**
   * Runs `body` inside BEGIN IMMEDIATE … COMMIT (ROLLBACK if it throws). Transactions on this
   * connection run one after another, in the order they were asked for.
   */
  transaction<T>(body: () => Promise<T>): Promise<T> {
    return this.transactions.run(body);
  }

  /** Waits for queued transactions, then closes the connection. */
  async close(): Promise<void> {
    await this.transactions.idle();
    await new Promise<void>((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }
}

export class PreparedStatement {
  constructor(private readonly statement: sqlite3.Statement) {}

  run(params: readonly SqlValue[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.statement.run(params, function (error) {
        if (error) reject(error);
        else resolve(this.changes);
      });
    });
  }

  finalize(): Promise<void> {
    return new Promise((resolve, reject) => this.statement.finalize((error) => (error ? reject(error) : resolve())));
  }
}

/**
 * Inserts rows into one table, ROWS_PER_INSERT rows per prepared statement; the remainder goes
 * in one statement of its own. Call inside a transaction.
 */
export class BatchInsert implements BatchInserter {
  private full: PreparedStatement | null = null;
  private readonly rowPlaceholder: string;

  constructor(private readonly db: SqliteDatabase, private readonly table: string, private readonly columns: readonly string[], private readonly onConflict = '') {
    this.rowPlaceholder = `(${columns.map(() => '?').join(',')})`;
  }

  async insert(rows: readonly (readonly SqlValue[])[]): Promise<void> {
    let start = 0;
    if (rows.length >= ROWS_PER_INSERT) {
      this.full ??= await this.db.prepare(this.sql(ROWS_PER_INSERT));
      for (; start + ROWS_PER_INSERT <= rows.length; start += ROWS_PER_INSERT) {
        await this.full.run(rows.slice(start, start + ROWS_PER_INSERT).flat());
      }
    }
    if (start < rows.length) await this.db.run(this.sql(rows.length - start), rows.slice(start).flat());
  }

  async finalize(): Promise<void> {
    await this.full?.finalize();
    this.full = null;
  }

  private sql(rowCount: number): string {
    return `INSERT INTO ${this.table} (${this.columns.join(',')}) VALUES ${Array(rowCount).fill(this.rowPlaceholder).join(',')}${this.onConflict}`;
  }
}
