/**
 * One request in flight per device: commands wait their turn, each with its own timeout.
 * Protocols like the ID card reader's answer only the last command; two at once would mix.
 */
import { DeviceError } from './errors';

export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  get length(): number {
    return this.pending;
  }

  run<T>(name: string, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.pending += 1;
    const job = this.tail.then(async () => {
      const ctl = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        return await Promise.race([
          fn(ctl.signal),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              ctl.abort();
              reject(new DeviceError('timeout', 'timeout', { zh: `设备无响应（${name}）`, en: `the device did not answer (${name}) within ${timeoutMs} ms` }));
            }, timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        this.pending -= 1;
      }
    });
    this.tail = job.catch(() => {});
    return job;
  }
}
