import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION, SchemaVersionError } from '../../store/migrations.js';
import type { SqlDatabase } from '../../store/database.js';
import { SqliteDatabase } from '../../store/sqlite.js';
import { SqlStore } from '../../store/sql-store.js';
import { withTempDir } from './store-sample.js';
import { STORE_ENGINES, stopPostgres, storeTarget } from '../helpers/test-stores.js';

const TABLES = ['captures', 'changes', 'checkpoints', 'counters', 'facts', 'findings', 'link_counters', 'links', 'media_seconds', 'messages'];

async function userVersion(db: SqlDatabase): Promise<number> {
  return (await db.get<{ user_version: number }>('PRAGMA user_version'))!.user_version;
}

test('a fresh database gets every migration, in WAL mode with foreign keys on', async () => {
  await withTempDir(async (dir) => {
    const store = await SqlStore.open(join(dir, 'fresh.sqlite'));
    try {
      assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
      assert.equal(await userVersion(store.db), SCHEMA_VERSION);
      const tables = await store.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      assert.deepEqual(tables.map((table) => table.name), TABLES);
      assert.equal((await store.db.get<{ journal_mode: string }>('PRAGMA journal_mode'))!.journal_mode, 'wal');
      assert.equal((await store.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys, 1);
      assert.deepEqual(await store.captures(), []);
      assert.equal(await store.timeRange(), null);
      assert.deepEqual((await store.stateAt(1_700_000_000)).routers, []);
    } finally {
      await store.close();
    }
  });
});

test('re-opening keeps the schema and the rows; read-only opening reads them', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'reopen.sqlite');
    const first = await SqlStore.open(path);
    const writer = first.writer();
    const capture = await writer.begin('a.pcap', 'fingerprint-a');
    await writer.finish();
    await first.close();

    const again = await SqlStore.open(path);
    assert.equal(await userVersion(again.db), SCHEMA_VERSION);
    assert.deepEqual((await again.captures()).map((entry) => entry.id), [capture.id]);
    await again.close();

    const reader = await SqlStore.open(path, { readonly: true });
    assert.equal((await reader.captures())[0]!.source, 'a.pcap');
    assert.throws(() => reader.writer(), /read-only/);
    await assert.rejects(reader.db.run("INSERT INTO captures (source, fingerprint, status, analyzed_at) VALUES ('b', 'b', 'running', 0)"), /readonly/);
    await reader.close();
  });
});

test('a database from a newer mcast is refused with a clear error and left untouched', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'newer.sqlite');
    const db = await SqliteDatabase.open(path);
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.close();
    for (const readonly of [false, true]) {
      await assert.rejects(SqlStore.open(path, { readonly }), (error: Error) => {
        assert.ok(error instanceof SchemaVersionError);
        assert.match(error.message, new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer than this mcast supports \\(${SCHEMA_VERSION}\\); upgrade mcast`));
        assert.ok(error.message.startsWith(path));
        return true;
      });
    }
    const after = await SqliteDatabase.open(path, { readonly: true });
    assert.equal(await userVersion(after), SCHEMA_VERSION + 1);
    assert.deepEqual(await after.all("SELECT name FROM sqlite_master WHERE type = 'table'"), []);
    await after.close();
  });
});

test('read-only opening does not migrate an older database', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'old.sqlite');
    await (await SqliteDatabase.open(path)).close();
    await assert.rejects(SqlStore.open(path, { readonly: true }), /schema version 0 is older than \d+; open it once read-write/);
    const store = await SqlStore.open(path);
    assert.equal(await userVersion(store.db), SCHEMA_VERSION);
    await store.close();
  });
});

test('a failing transaction rolls back and the next one runs', async () => {
  await withTempDir(async (dir) => {
    const store = await SqlStore.open(join(dir, 'rollback.sqlite'));
    const insert = (fingerprint: string) => store.db.run("INSERT INTO captures (source, fingerprint, status, analyzed_at) VALUES ('x', ?, 'running', 0)", [fingerprint]);
    await assert.rejects(store.db.transaction(async () => {
      await insert('one');
      await insert('one');
    }), /UNIQUE/);
    await store.db.transaction(async () => {
      await insert('two');
    });
    assert.deepEqual((await store.captures()).map((capture) => capture.fingerprint), ['two']);
    await store.close();
  });
});

/** Opens the store at `target` in another process; resolves with what it printed, or rejects with its stderr. */
function openInProcess(target: string): Promise<string> {
  const script = `const { SqlStore } = await import(${JSON.stringify(new URL('../../store/sql-store.js', import.meta.url).href)});
    const store = await SqlStore.open(process.argv[1]); console.log((await store.captures()).length); await store.close();`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, target], (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout.trim())));
  });
}

for (const engine of STORE_ENGINES) test(`six processes opening one new ${engine} database at once (collectors started together) migrate it once, and all open it`, async () => {
  await withTempDir(async (dir) => {
    const target = await storeTarget(engine, dir, 'together');
    assert.deepEqual(await Promise.all(Array.from({ length: 6 }, () => openInProcess(target))), Array(6).fill('0'));
    const store = await SqlStore.open(target);
    const version = engine === 'sqlite' ? await userVersion(store.db) : (await store.db.get<{ version: number }>('SELECT version FROM mcast_schema'))!.version;
    assert.equal(Number(version), SCHEMA_VERSION);
    await store.close();
  });
});

after(stopPostgres);
