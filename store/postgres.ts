/**
 * The store on PostgreSQL (the `pg` client): one connection, whose queries run in the order they
 * were issued, and transactions queued one after another — the same order SQLite's serialized
 * connection gives (sqlite.ts), so the writer and the readers behave alike on both.
 *
 * The store's SQL is SQLite's, translated here: `?` and `?N` placeholders become `$n`. Counts and
 * sums come back as numbers (pg returns 64-bit integers and NUMERIC as strings). Text is compared
 * and sorted byte-wise, as in SQLite: the database must use the C collation (checked on open).
 */
import pg from 'pg';
import { TransactionQueue, type SqlDatabase, type SqlStatement, type SqlValue } from './database.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** `?` → `$1, $2, ...` in order; `?N` → `$N` (SQLite's numbered parameters). Quoted text is left alone. */
export function numberedPlaceholders(sql: string): string {
  let next = 0;
  return sql.replace(/'(?:[^']|'')*'|\?(\d+)?/g, (match, number: string | undefined) => {
    if (match.startsWith("'")) return match;
    return number === undefined ? `$${++next}` : `$${number}`;
  });
}

export class PostgresDatabase implements SqlDatabase {
  readonly engine = 'postgres';
  private readonly transactions = new TransactionQueue((sql) => this.exec(sql), 'BEGIN');

  private constructor(private readonly client: pg.Client, readonly readonly: boolean) {}

  static async open(url: string, options: { readonly?: boolean } = {}): Promise<PostgresDatabase> {
    const client = new pg.Client({ connectionString: url, types });
    await client.connect();
    const database = new PostgresDatabase(client, options.readonly === true);
    try {
      const collation = await database.get<{ collation: string }>('SELECT datcollate AS "collation" FROM pg_database WHERE datname = current_database()');
      if (collation?.collation !== 'C' && collation?.collation !== 'POSIX') {
        throw new Error(`the database's collation is ${collation?.collation ?? 'unknown'}; mcast sorts text byte-wise: create it with createdb --template=template0 --locale=C NAME`);
      }
      await client.query('SET client_min_messages = warning');
    } catch (error) {
      await client.end();
      throw error;
    }
    return database;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const result = await this.client.query(numberedPlaceholders(sql), params as SqlValue[]);
    return { changes: result.rowCount ?? 0 };
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.client.query(numberedPlaceholders(sql), params as SqlValue[])).rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async runAll(statements: readonly SqlStatement[]): Promise<void> {
    for (const statement of statements) {
      if (!('insert' in statement)) {
        await this.run(statement.sql, statement.params);
        continue;
      }
      const { head, rows, onConflict } = statement.insert;
      const width = rows[0]?.length ?? 0;
      const values = rows.map((_, row) => `(${Array.from({ length: width }, (__, column) => `$${row * width + column + 1}`).join(',')})`).join(',');
      await this.client.query(`${head}${values}${onConflict}`, rows.flat() as SqlValue[]);
    }
  }

  async insertReturningId(sql: string, params: readonly SqlValue[]): Promise<number> {
    return (await this.get<{ id: number }>(`${sql} RETURNING id`, params))!.id;
  }

  transaction<T>(body: () => Promise<T>): Promise<T> {
    return this.transactions.run(body);
  }

  async schemaVersion(): Promise<number> {
    await this.exec('CREATE TABLE IF NOT EXISTS mcast_schema (version INTEGER NOT NULL)');
    return (await this.get<{ version: number }>('SELECT version FROM mcast_schema'))?.version ?? 0;
  }

  async setSchemaVersion(version: number): Promise<void> {
    await this.exec('DELETE FROM mcast_schema');
    await this.run('INSERT INTO mcast_schema (version) VALUES (?)', [version]);
  }

  textContains(haystack: string, needle: string): string {
    return `strpos(${haystack}, ${needle}) > 0`;
  }

  jsonText(column: string, field: string): string {
    return `(${column}::jsonb ->> '${field}')`;
  }

  async close(): Promise<void> {
    await this.transactions.idle();
    await this.client.end();
  }
}
