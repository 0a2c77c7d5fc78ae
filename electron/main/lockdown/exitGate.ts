/**
 * The password behind the exit gesture. Hall IT sets it at setup; only its PBKDF2 hash is kept
 * (the `hashPin` format of shared/identity/pin.ts: `verifyPin` takes any string, so a password
 * is just a long PIN). A visitor at an unattended kiosk can try as often as they like, so
 * wrong guesses are throttled: after 5 in a row the gate refuses for 60 s, and every further
 * wrong guess doubles the wait (capped at an hour). The right password resets it.
 * The count lives in memory: a restart of the terminal (which needs the power switch, or this
 * very password) starts it again.
 */
import type { Bilingual } from '../../../shared/config/text';
import { verifyPin } from '../../../shared/identity/pin';
import type { ShellResult } from '../../../shared/shell/contract';

export const EXIT_FREE_ATTEMPTS = 5;
export const EXIT_FIRST_LOCKOUT_MS = 60_000;
export const EXIT_MAX_LOCKOUT_MS = 60 * 60_000;

export interface ExitGateOptions {
  /** The stored hash, read at each check (setup may change it); undefined before setup. */
  passwordHash: () => string | undefined;
  now: () => number;
}

/** "45 秒" / "45 seconds" under two minutes, whole minutes (rounded up) above. */
export function waitText(ms: number): Bilingual {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 120) return { zh: `${s} 秒`, en: s === 1 ? '1 second' : `${s} seconds` };
  const m = Math.ceil(s / 60);
  return { zh: `${m} 分钟`, en: `${m} minutes` };
}

export class ExitGate {
  private failures = 0;
  private lockedUntil = 0;
  // Checks run one at a time: PBKDF2 takes a moment, and parallel guesses must not slip past
  // the count.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ExitGateOptions) {}

  check(password: string): Promise<ShellResult> {
    const result = this.queue.then(() => this.checkNow(password));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async checkNow(password: string): Promise<ShellResult> {
    const hash = this.opts.passwordHash();
    if (!hash) {
      return refuse({
        zh: '此终端尚未设置退出密码。请信息技术人员运行初始设置。',
        en: 'No exit password is set on this terminal. IT staff: run the setup.',
      });
    }
    const wait = this.lockedUntil - this.opts.now();
    if (wait > 0) return refuse(tooMany(wait));

    if (typeof password === 'string' && password.length > 0 && (await verifyPin(password, hash))) {
      this.failures = 0;
      this.lockedUntil = 0;
      return { ok: true };
    }
    this.failures++;
    const over = this.failures - EXIT_FREE_ATTEMPTS;
    if (over >= 0) {
      const lockout = Math.min(EXIT_FIRST_LOCKOUT_MS * 2 ** over, EXIT_MAX_LOCKOUT_MS);
      this.lockedUntil = this.opts.now() + lockout;
      return refuse(tooMany(lockout));
    }
    const left = EXIT_FREE_ATTEMPTS - this.failures;
    return refuse({
      zh: `密码不正确（还可尝试 ${left} 次）。`,
      en: `Wrong password (${left} ${left === 1 ? 'try' : 'tries'} left).`,
    });
  }
}

function tooMany(ms: number): Bilingual {
  const w = waitText(ms);
  return { zh: `密码错误次数过多，请 ${w.zh}后再试。`, en: `Too many wrong passwords. Try again in ${w.en}.` };
}

function refuse(message: Bilingual): ShellResult {
  return { ok: false, message, field: 'password' };
}
