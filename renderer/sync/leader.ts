/**
 * One sync leader per terminal, however many windows or tabs it has open: the leader holds an
 * exclusive lock named after the terminal (Web Locks in browsers and Electron; an in-process
 * lock where there are none, e.g. Node tests). The others only read the local database.
 */
import type { LockProvider } from './env';

export const leaderLockName = (terminalId: string): string => `hallq-sync-${terminalId}`;

/** `navigator.locks`, as a LockProvider. */
export function webLocks(locks: LockManager): LockProvider {
  return {
    request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, () => callback()) as Promise<T>,
  };
}

/** Exclusive locks inside one JavaScript realm: waiters queue in request order. */
export function inProcessLocks(): LockProvider {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const before = tails.get(name) ?? Promise.resolve();
      const run = before.then(callback, callback);
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}

/** navigator.locks when the platform has it, else the in-process lock. */
export function lockProvider(locks: LockManager | undefined): LockProvider {
  return locks ? webLocks(locks) : inProcessLocks();
}
