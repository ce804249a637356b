/**
 * SQLite runs a batch's statements as one exec with their values as SQL literals (store/sqlite.ts): every value must read back
 * exactly as binding it as a parameter stores it — type and value — whatever text or number it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SqliteDatabase } from '../../store/sqlite.js';
import { insertStatements, type SqlValue } from '../../store/database.js';
import { withTempDir } from './store-sample.js';

const VALUES: SqlValue[] = [
  0, -0, 1, -1, 42, 2 ** 31, 2 ** 53 - 1, -(2 ** 53), 0.1, 1 / 3, 1795595104.81187, 1e21, 1e-300, 5e-324, -2.5e-7, 1e308,
  Infinity, -Infinity, NaN, null,
  '', 'plain', "it's", "''", 'a\'b"c`d\\e', 'line\nbreak\ttab\r', 'nul\0inside', '\0', 'ünïcödé', '日本語', '😀 emoji', 'semi;colon -- comment /* c */',
  new Uint8Array([]), new Uint8Array([0, 1, 2, 255, 39]),
];

test('rows written as literals read back as bound parameters store them, type and value', async () => {
  await withTempDir(async (dir) => {
    const db = await SqliteDatabase.open(join(dir, 'literal.sqlite'));
    try {
      await db.exec('CREATE TABLE bound (n INTEGER, v); CREATE TABLE literal (n INTEGER, v)');
      for (const [index, value] of VALUES.entries()) await db.run('INSERT INTO bound (n, v) VALUES (?, ?)', [index, value]);
      // Over several statements of one exec: more rows than one INSERT takes.
      const rows = Array.from({ length: 1201 }, (_, index) => [index, VALUES[index % VALUES.length]!]);
      await db.transaction(() => db.runAll(insertStatements('literal', ['n', 'v'], rows)));
      const read = (table: string) => db.all<{ n: number; type: string; v: unknown }>(`SELECT n, typeof(v) AS type, v FROM ${table} ORDER BY n`);
      const bound = await read('bound');
      const literal = await read('literal');
      assert.equal(literal.length, rows.length);
      for (const row of literal) {
        const expected = bound[row.n % VALUES.length]!;
        assert.deepEqual({ type: row.type, v: row.v }, { type: expected.type, v: expected.v }, `value ${String(VALUES[row.n % VALUES.length])}`);
      }
    } finally {
      await db.close();
    }
  });
});

test('an upsert batch writes over the rows with the same key and adds the others', async () => {
  await withTempDir(async (dir) => {
    const db = await SqliteDatabase.open(join(dir, 'upsert.sqlite'));
    try {
      await db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT, b TEXT)');
      const upsert = { key: ['k'], update: ['b'] };
      await db.transaction(() => db.runAll(insertStatements('t', ['k', 'a', 'b'], [[1, 'first', 'x'], [2, 'second', 'y']], upsert)));
      await db.transaction(() => db.runAll(insertStatements('t', ['k', 'a', 'b'], [[1, 'ignored', 'x2'], [3, 'third', 'z']], upsert)));
      assert.deepEqual(await db.all('SELECT k, a, b FROM t ORDER BY k'), [{ k: 1, a: 'first', b: 'x2' }, { k: 2, a: 'second', b: 'y' }, { k: 3, a: 'third', b: 'z' }]);
    } finally {
      await db.close();
    }
  });
});

test('statements run together as one exec take their values in order, as binding them does', async () => {
  await withTempDir(async (dir) => {
    const db = await SqliteDatabase.open(join(dir, 'run-all.sqlite'));
    try {
      await db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v, w)');
      await db.transaction(() => db.runAll([
        { sql: 'INSERT INTO t (k, v, w) VALUES (?, ?, ?), (?, ?, ?)', params: [1, 'what?', null, 2, "it's ? ok", 2.5] },
        { sql: 'UPDATE t SET w = ? WHERE k IN (?, ?) AND w IS NULL', params: ['set?', 1, 2] },
        { sql: 'INSERT INTO t (k, v, w) VALUES (?, ?, ?)', params: [3, new Uint8Array([63]), 'nul\0?'] },
      ]));
      assert.deepEqual(await db.all('SELECT k, v, w FROM t ORDER BY k'), [
        { k: 1, v: 'what?', w: 'set?' }, { k: 2, v: "it's ? ok", w: 2.5 }, { k: 3, v: Buffer.from([63]), w: 'nul\0?' },
      ]);
      await assert.rejects(db.runAll([{ sql: 'UPDATE t SET v = ? WHERE k = ?', params: [1] }]), /2 placeholders for 1 values/);
    } finally {
      await db.close();
    }
  });
});
