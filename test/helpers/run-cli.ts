/** Runs the built CLI (dist/cli/main.js) as a user would, and what it printed and returned. */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function mcast(args: readonly string[], options: ExecFileOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { ...options, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** One line on stderr, and no stack trace. */
export const ONE_LINE = /^mcast: [^\n]+\n$/;
