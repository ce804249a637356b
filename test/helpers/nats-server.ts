/**
 * A throwaway NATS server with JetStream (Debian's `nats-server`), on a port of its choosing and
 * a temporary store directory. restart() stops it and starts it again on the same port and store
 * (an outage the clients ride through); stop() ends it and removes the directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  url: string;
  /** Stops the server; `down()` resolves when it is gone, and the returned start() brings it back. */
  down(): Promise<{ up: () => Promise<void> }>;
  stop(): Promise<void>;
}

async function launch(dir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const chosen = await new Promise<number>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    child.once('error', (error) => { clearTimeout(timer); reject(new Error(`cannot run nats-server (./setup.sh installs it): ${error.message}`)); });
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const found = /Listening for client connections on [\d.]+:(\d+)/.exec(log)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(Number(found));
      }
    });
  });
  return { child, port: chosen };
}

async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-nats-'));
  let { child, port } = await launch(dir, -1);
  return {
    url: `nats://127.0.0.1:${port}`,
    async down() {
      await end(child);
      return { up: async () => { child = (await launch(dir, port)).child; } };
    },
    async stop() {
      await end(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
