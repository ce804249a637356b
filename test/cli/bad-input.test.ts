/** Bad input to the CLI is one line on stderr and a non-zero exit, never a stack trace (issue 13). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, mcast, ONE_LINE } from '../helpers/run-cli.js';

const SAMPLE = 'samples/pim-sm/pcap/r2-r3.pcap';
const NOBODY = 65534;
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcast-bad-input-'));
  await chmod(dir, 0o755);
});

test('an unreadable capture file is one line: permission denied', async () => {
  const unreadable = join(dir, 'unreadable.pcap');
  await copyFile(SAMPLE, unreadable);
  await chmod(unreadable, 0o000);
  // root reads any file whatever its mode: the CLI runs as nobody then.
  const asUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const result = await mcast(['stats', unreadable], asUser);
  assert.equal(result.stderr, `mcast: cannot read ${unreadable}: permission denied\n`);
  assert.equal(result.code, 1);
});

test('a directory or a device given as a capture is one line naming it', async () => {
  const directory = await mcast(['stats', 'samples/pim-sm']);
  assert.equal(directory.stderr, 'mcast: samples/pim-sm is a directory, not a capture file\n');
  assert.equal(directory.code, 2);
  const device = await mcast(['analyze', '/dev/null']);
  assert.equal(device.stderr, 'mcast: /dev/null is not a capture file (not a regular file)\n');
  assert.equal(device.code, 2);
});

test('serve --db and analyze --db on a file that is not a SQLite database: one line, the file left as it was', async () => {
  const notes = join(dir, 'notes.txt');
  await writeFile(notes, 'not a database\n'.repeat(100));
  const serve = await mcast(['serve', '--db', notes, '--port', '0']);
  assert.equal(serve.stderr, `mcast: cannot open database ${notes}: not an SQLite database\n`);
  assert.equal(serve.code, 1);
  const analyze = await mcast(['analyze', SAMPLE, '--db', notes]);
  assert.equal(analyze.stderr, `mcast: cannot open database ${notes}: not an SQLite database\n`);
  assert.equal(analyze.code, 1);
  assert.equal(await readFile(notes, 'utf8'), 'not a database\n'.repeat(100));
  const directory = await mcast(['serve', '--db', dir, '--port', '0']);
  assert.match(directory.stderr, ONE_LINE);
  assert.match(directory.stderr, /is not a database file/);
});

test('a PostgreSQL store that cannot be reached is one line, its password not shown', async () => {
  const result = await mcast(['analyze', SAMPLE, '--db', 'postgres://mcast:s3cret@127.0.0.1:1/history']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^mcast: cannot open database postgres:\/\/mcast:\*\*\*@127\.0\.0\.1:1\/history: [^\n]*ECONNREFUSED[^\n]*\n$/);
  assert.doesNotMatch(result.stderr, /s3cret/);
});

test('a reader that closes the output early (| head -c100) ends mcast quietly', async () => {
  const captures = (await readdir('samples/pim-sm/pcap')).map((file) => join('samples/pim-sm/pcap', file));
  const pipeline = 'node="$1"; cli="$2"; shift 2; "$node" "$cli" analyze "$@" --timeline --json | head -c100 >/dev/null; exit "${PIPESTATUS[0]}"';
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile('bash', ['-c', pipeline, 'mcast-pipe', process.execPath, CLI, ...captures], (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stderr });
    });
  });
  assert.equal(stderr, '');
  assert.equal(code, 0);
});

test('the same capture twice, by the same or another path, is refused: it would count every frame twice', async () => {
  const link = join(dir, 'link.pcap');
  await symlink(join(process.cwd(), SAMPLE), link);
  for (const other of [SAMPLE, `./samples/pim-sm/../pim-sm/pcap/r2-r3.pcap`, link]) {
    const result = await mcast(['stats', SAMPLE, other]);
    assert.equal(result.stderr, `mcast: ${SAMPLE} and ${other} are the same file: give each capture once\n`);
    assert.equal(result.code, 2);
  }
});

test('an empty or malformed --at is a usage error, not 1970', async () => {
  for (const text of ['', ' ', '0x10', '1e9', 'yesterday', '2026-03-01', '2026-03-01T08:46:05']) {
    const result = await mcast(['analyze', SAMPLE, '--at', text]);
    assert.equal(result.code, 2, `--at '${text}'`);
    assert.equal(result.stderr, `mcast: --at: '${text}' is not a time: give epoch seconds (1764057600.5) or an ISO 8601 time (2025-11-25T08:00:00.5Z)\n`);
    assert.equal(result.stdout, '');
  }
  assert.match((await mcast(['findings', SAMPLE, '--at', ''])).stderr, /^mcast: --at: '' is not a time/);
});

test('numeric options name the text given and what they take', async () => {
  const cases: [string[], string][] = [
    [['serve', '--db', SAMPLE, '--port', 'abc'], "--port: 'abc' is not a port number (0-65535)"],
    [['demo', '--port', '70000'], "--port: '70000' is not a port number (0-65535)"],
    [['demo', '--port', ''], "--port: '' is not a port number (0-65535)"],
    [['capture', '--iface', 'lo', '--serve', '--port', '80.5'], "--port: '80.5' is not a port number (0-65535)"],
    [['capture', '--iface', 'lo', '--buffer', '4096'], "--buffer: '4096' is not a buffer size in MiB (1-2047)"],
    [['capture', '--iface', 'lo', '--duration', '0'], "--duration: '0' is not a positive number of seconds"],
    [['serve', '--db', SAMPLE, '--upload-limit', 'lots'], "--upload-limit: 'lots' is not a size in MB greater than 0"],
  ];
  for (const [args, message] of cases) {
    const result = await mcast(args);
    assert.equal(result.stderr, `mcast: ${message}\n`, args.join(' '));
    assert.equal(result.code, 2);
  }
});
