/** Names from files and packets reach the terminal with their control characters escaped: a name cannot recolor the screen. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeControl } from '../../cli/output/escape.js';
import { formatTable } from '../../cli/output/format-table.js';
import { mcast } from '../helpers/run-cli.js';

const RED = '\x1b[31m';
const SHOWN = '\\x1b[31m';
let dir = '';
let capture = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcast-escape-'));
  capture = join(dir, `lan${RED}mid.pcap.gz`);
  await copyFile('samples/pim-lan/pcap/lan-mid.pcap.gz', capture);
});

test('escapeControl shows C0, DEL, C1, line separators and bidi overrides as escapes, and leaves the rest', () => {
  assert.equal(escapeControl(`a${RED}b\x1b[0m`), 'a\\x1b[31mb\\x1b[0m');
  assert.equal(escapeControl('tab\tnew\nline\r\x00\x7f\x9b'), 'tab\\x09new\\x0aline\\x0d\\x00\\x7f\\x9b');
  assert.equal(escapeControl('evil\u202egpj.pcap\u2028'), 'evil\\u202egpj.pcap\\u2028');
  assert.equal(escapeControl('lan-mid ff02::d §4.6 → é'), 'lan-mid ff02::d §4.6 → é');
  assert.equal(formatTable(['link', 'n'], [[`a${RED}`, 1]]), 'link       n\n---------  -\na\\x1b[31m  1');
});

test('stats, analyze, --timeline and findings in text escape the link named after the file', async () => {
  for (const args of [['stats', capture], ['analyze', capture], ['analyze', capture, '--timeline'], ['findings', capture]]) {
    const result = await mcast(args);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes('\x1b') && !result.stderr.includes('\x1b'), `${args[0]} ${args.slice(2).join(' ')} prints a raw ESC`);
    assert.ok(result.stdout.includes(`lan${SHOWN}mid`), `${args[0]} ${args.slice(2).join(' ')} names the link`);
  }
});

test('errors, warnings and the stored summary escape file names too', async () => {
  const twice = await mcast(['stats', capture, capture]);
  assert.equal(twice.stderr, `mcast: ${escapeControl(capture)} and ${escapeControl(capture)} are the same file: give each capture once\n`);
  const whole = await readFile('samples/pim-sm/pcap/r2-r3.pcap');
  const cut = join(dir, `cut${RED}.pcap`);
  await writeFile(cut, whole.subarray(0, whole.length - 10));
  for (const command of ['analyze', 'findings']) {
    const warned = await mcast([command, cut]);
    assert.equal(warned.code, 0);
    assert.match(warned.stderr, /^mcast: warning: .*cut\\x1b\[31m\.pcap: stopped at byte \d+/);
    assert.ok(!warned.stderr.includes('\x1b'));
  }
  const stored = await mcast(['analyze', capture, '--db', join(dir, `store${RED}.sqlite`)]);
  assert.equal(stored.code, 0, stored.stderr);
  assert.match(stored.stdout, /^stored capture \d+ \(lan\\x1b\[31mmid\.pcap\.gz\) in .*store\\x1b\[31m\.sqlite: /);
  assert.ok(!stored.stdout.includes('\x1b'));
});

test('JSON output keeps names as they are (JSON escapes them itself)', async () => {
  const stats = JSON.parse((await mcast(['stats', capture, '--json'])).stdout) as { links: Record<string, unknown> };
  assert.deepEqual(Object.keys(stats.links), [`lan${RED}mid`]);
});
