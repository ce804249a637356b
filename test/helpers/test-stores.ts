/**
 * Stores for the tests on both engines: a SQLite file in a directory, or a fresh database on one
 * throwaway PostgreSQL server per test process (started on first use; stopPostgres() ends it).
 * Without PostgreSQL installed its suites are skipped, except under CI, where that is a failure.
 */
import { join } from 'node:path';
import { SqlStore } from '../../store/sql-store.js';
import { postgresBin, startPostgres, type PostgresServer } from './postgres-server.js';

export type StoreEngine = 'sqlite' | 'postgres';

export const STORE_ENGINES: StoreEngine[] = postgresBin() !== null || process.env.CI === 'true' ? ['sqlite', 'postgres'] : ['sqlite'];

let server: Promise<PostgresServer> | null = null;
let databases = 0;

/** Where a store named `name` lives on `engine`: a file in `dir`, or a new PostgreSQL database's URL. */
export async function storeTarget(engine: StoreEngine, dir: string, name: string): Promise<string> {
  if (engine === 'sqlite') return join(dir, `${name}.sqlite`);
  server ??= startPostgres();
  return (await server).database(`${name.replace(/\W/g, '_')}_${process.pid}_${++databases}`);
}

export async function openTestStore(engine: StoreEngine, dir: string, name: string): Promise<SqlStore> {
  return SqlStore.open(await storeTarget(engine, dir, name));
}

export async function stopPostgres(): Promise<void> {
  const running = server;
  server = null;
  if (running) await (await running).stop();
}
