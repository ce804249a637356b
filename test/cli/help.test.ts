/** Every command has its own --help; --version tells package.json's version. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mcast } from '../helpers/run-cli.js';

const COMMANDS = ['stats', 'analyze', 'findings', 'demo', 'interfaces', 'capture', 'serve'];

test('mcast COMMAND --help (or -h, or mcast help COMMAND) prints that command\'s usage and exits 0', async () => {
  for (const command of COMMANDS) {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command], [command, 'some.pcap', '--json', '--help']]) {
      const result = await mcast(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, new RegExp(`^usage:\\n  mcast ${command} `));
      for (const other of COMMANDS.filter((name) => name !== command)) assert.doesNotMatch(result.stdout, new RegExp(`^  mcast ${other} `, 'm'));
    }
  }
  const general = await mcast(['--help']);
  assert.equal(general.code, 0);
  for (const command of COMMANDS) assert.match(general.stdout, new RegExp(`^  mcast ${command} `, 'm'));
  assert.match(general.stdout, /^  mcast COMMAND --help /m);
});

test('a --help after -- is a file name, not a request for help', async () => {
  const result = await mcast(['stats', '--', '--help']);
  assert.equal(result.stderr, 'mcast: cannot read --help: no such file\n');
  assert.equal(result.code, 2);
});

test('mcast --version and -V print the version in package.json', async () => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = await mcast([flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
  }
});
