/**
 * A throwaway NATS server with JetStream (Debian's `nats-server`), on a port of its choosing and
 * a temporary store directory; stop() ends it and removes the directory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  url: string;
  stop(): Promise<void>;
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-nats-'));
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', '-1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    child.once('error', (error) => { clearTimeout(timer); reject(new Error(`cannot run nats-server (./setup.sh installs it): ${error.message}`)); });
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const port = /Listening for client connections on [\d.]+:(\d+)/.exec(log)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve(`nats://127.0.0.1:${port}`);
      }
    });
  });
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
