/** Watching a driver call in virtual time: did it settle, how, and in time? */
import { DeviceError } from '../../../electron/devices/common/errors';
import type { IterationContext } from '../engine';

export interface Watched<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

export function watch<T>(p: Promise<T>): Watched<T> {
  const w: Watched<T> = { settled: false };
  p.then(
    (v) => {
      w.settled = true;
      w.value = v;
    },
    (e: unknown) => {
      w.settled = true;
      w.error = e;
    },
  );
  return w;
}

/**
 * Wait (virtual time) for a call to settle within `limitMs` (its own timeout plus a margin).
 * Not settled: a hang. Rejected with anything but a DeviceError (when `rejects` allows it) or
 * at all (when it must not reject): a crash.
 */
export async function settles<T>(ctx: IterationContext, what: string, p: Promise<T>, limitMs: number, rejects: 'device-error' | 'never' = 'device-error'): Promise<Watched<T>> {
  const w = watch(p);
  const ok = await ctx.clock.until(() => w.settled, limitMs);
  if (!ok) ctx.fail('hang', `${what} did not settle within ${limitMs} ms (virtual)`);
  else if (w.error !== undefined) {
    if (rejects === 'never') ctx.fail('crash', `${what} rejected (the contract: it answers, never throws): ${String(w.error)}`);
    else if (!(w.error instanceof DeviceError)) ctx.fail('crash', `${what} rejected with ${(w.error as Error)?.name ?? typeof w.error}, not a DeviceError: ${String(w.error)}`);
  }
  return w;
}
