/**
 * A real pseudo-terminal pair from socat: the driver opens one end as its serial port, a
 * simulator (or a test) the other. Killing socat is "unplugging the cable".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The end the driver opens. */
  device: string;
  /** The end the simulator opens. */
  peer: string;
  /** Unplug: kill socat (both ends vanish). */
  kill(): Promise<void>;
}

export async function openPtyPair(dir = mkdtempSync(join(tmpdir(), 'hallq-pty-')), timeoutMs = 5000): Promise<PtyPair> {
  const device = join(dir, 'device');
  const peer = join(dir, 'peer');
  // A killed socat leaves its links behind, pointing at pty numbers the system may already
  // have given to a new pair: remove them, so "the links exist" means "the new pair is ready".
  rmSync(device, { force: true });
  rmSync(peer, { force: true });
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${peer}`], { stdio: 'ignore' });
  let exited = false;
  proc.on('exit', () => (exited = true));
  const failed = new Promise<never>((_, reject) => proc.on('error', (e) => reject(new Error(`socat could not start (apt-get install socat): ${e.message}`))));
  const ready = (async () => {
    const end = Date.now() + timeoutMs;
    while (!(existsSync(device) && existsSync(peer))) {
      if (exited || Date.now() > end) throw new Error('socat did not create the pty pair');
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await Promise.race([ready, failed]);
  return {
    device,
    peer,
    kill: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}
