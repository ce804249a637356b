/**
 * What the store needs of a database, the same on both engines: SQLite (sqlite.ts, the embedded
 * default) and PostgreSQL (postgres.ts, history shared by several collectors, long retention).
 * The store's SQL is written once, in the dialect both accept (`?` placeholders, `?N` for a
 * parameter used twice, double-quoted aliases); what differs sits behind these methods.
 */
/** A column's value; bytes are a BLOB (PostgreSQL: BYTEA). */
export type SqlValue = string | number | null | Uint8Array;

/**
 * A statement to run with others (SqlDatabase.runAll): SQL with `?` placeholders and its values,
 * or a multi-row INSERT, its rows given as they are (each engine writes them its own way).
 */
export type SqlStatement =
  | { sql: string; params: readonly SqlValue[] }
  | { insert: MultiRowInsert };

export interface MultiRowInsert {
  /** `INSERT INTO table (columns) VALUES ` */
  head: string;
  rows: readonly (readonly SqlValue[])[];
  /** The ON CONFLICT clause of an upsert, or ''. */
  onConflict: string;
}

/** Rows a batch insert writes over instead of adding: those with the same `key` columns get the `update` columns' new values. */
export interface Upsert {
  key: readonly string[];
  update: readonly string[];
}

/** The ON CONFLICT clause of an upsert, the same on both engines (an empty string: a plain insert). */
export function upsertClause(upsert: Upsert | undefined): string {
  if (upsert === undefined) return '';
  return ` ON CONFLICT (${upsert.key.join(',')}) DO UPDATE SET ${upsert.update.map((column) => `${column} = excluded.${column}`).join(', ')}`;
}

/** Rows per multi-row INSERT (PostgreSQL takes at most 65,535 parameters per statement: 500 rows of up to 13 columns). */
export const ROWS_PER_INSERT = 500;

/** Multi-row INSERTs of `rows` into `table`, ROWS_PER_INSERT rows each (an upsert's rows in one statement must not share its key). */
export function insertStatements(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], upsert?: Upsert): SqlStatement[] {
  const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
  const onConflict = upsertClause(upsert);
  const statements: SqlStatement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) statements.push({ insert: { head, rows: rows.slice(start, start + ROWS_PER_INSERT), onConflict } });
  return statements;
}

export interface SqlDatabase {
  readonly readonly: boolean;
  /** `sqlite` or `postgres`: for the few statements (schema, JSON) whose words differ. */
  readonly engine: 'sqlite' | 'postgres';
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /**
   * Runs the statements one after another (inside the caller's transaction) in as few round trips
   * as the engine allows: SQLite, one `exec` with the values written in as literals; PostgreSQL, a query each.
   */
  runAll(statements: readonly SqlStatement[]): Promise<void>;
  /** An INSERT into a table with an `id` key: the new row's id. */
  insertReturningId(sql: string, params: readonly SqlValue[]): Promise<number>;
  /** Runs `body` in one transaction (rolled back if it throws); transactions run one after another. */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /** The schema version the migrations reached (0: none). */
  schemaVersion(): Promise<number>;
  setSchemaVersion(version: number): Promise<void>;
  /** SQL true when the text `needle` occurs in the text `haystack` (both SQL expressions). */
  textContains(haystack: string, needle: string): string;
  /** SQL for the text of `field` in the JSON object held by `column`. */
  jsonText(column: string, field: string): string;
  close(): Promise<void>;
}

/**
 * Transactions on one connection, one after another in the order they were asked for: `begin`
 * (SQLite's BEGIN IMMEDIATE, PostgreSQL's BEGIN), the body, COMMIT — or ROLLBACK if it throws.
 */
export class TransactionQueue {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly exec: (sql: string) => Promise<void>, private readonly begin: string) {}

  run<T>(body: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      await this.exec(this.begin);
      try {
        const value = await body();
        await this.exec('COMMIT');
        return value;
      } catch (error) {
        await this.exec('ROLLBACK');
        throw error;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every queued transaction has ended. */
  async idle(): Promise<void> {
    await this.queue;
  }
}

/** Whether a store's target is a PostgreSQL URL (else it is a SQLite file): told without loading the PostgreSQL client. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}
