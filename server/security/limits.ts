/**
 * The hall server's rate limits (issue 15, finding 9): what a client address (and a token) may
 * spend on the doors that answer strangers. Each refusal is a 429 with `Retry-After` and a
 * bilingual body.
 *
 * Budgets are sized so a real hall behind one NAT address never meets them in normal work:
 * a terminal's calls with a valid token are never counted (only failures are), a citizen's
 * phone that follows its own QR code only finds tickets (only misses are counted), and
 * enrollment counts wrong codes, not enrollments.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db';
import { RequestError } from '../http/errors';
import type { Principal } from '../store/events';
import { authenticate } from '../store/terminals';
import { RateLimiter, RecentSet, type Budget } from './rateLimit';

export interface RateBudgets {
  /** Wrong or expired enrollment codes per client address. */
  enrollFailures: Budget;
  /** Failed authentications (no, unknown, revoked or expired token) per client address. */
  authFailuresPerAddress: Budget;
  /** Failed authentications per token (by its hash): a revoked terminal retrying, a guess repeated. */
  authFailuresPerToken: Budget;
  /** Progress-page answers (page, JSON, SMS form) per client address. */
  progressLookups: Budget;
  /** Progress-page lookups of tokens no ticket has, per client address. */
  progressMisses: Budget;
  /** SMS subscriptions per client address. */
  smsSubscriptions: Budget;
}

export const DEFAULT_BUDGETS: RateBudgets = {
  // A hall enrolls its terminals with codes it was given; 20 typos in a row is not a person.
  enrollFailures: { burst: 20, perMinute: 2 },
  // A hall's terminals behind one address, all with a revoked token, retry with backoff.
  authFailuresPerAddress: { burst: 60, perMinute: 30 },
  authFailuresPerToken: { burst: 10, perMinute: 6 },
  // 200 phones on the hall's Wi-Fi reloading every 20 s stay under this.
  progressLookups: { burst: 600, perMinute: 900 },
  // QR codes do not mistype: a few misses are a person, many are a scan of the token space.
  progressMisses: { burst: 20, perMinute: 10 },
  smsSubscriptions: { burst: 20, perMinute: 3 },
};

/** A token that authenticated lately passes even when its address is over its failure budget. */
const GOOD_TOKEN_TTL_MS = 15 * 60_000;

/** 429 Too Many Requests: the error handler adds `Retry-After`. */
export class RateLimitedError extends RequestError {
  override name = 'RateLimitedError';
  constructor(
    readonly retryAfterS: number,
    message: string,
    messageZh: string,
  ) {
    super(429, 'rate-limited', message, messageZh);
  }
}

export function rateLimited(waitMs: number, what: string, whatZh: string): never {
  const s = Math.max(1, Math.ceil(waitMs / 1000));
  throw new RateLimitedError(s, `too many ${what} from this address; try again in ${s} s`, `${whatZh}过于频繁，请 ${s} 秒后再试`);
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class HallLimits {
  readonly enrollFailures: RateLimiter;
  readonly authPerAddress: RateLimiter;
  readonly authPerToken: RateLimiter;
  readonly progressLookups: RateLimiter;
  readonly progressMisses: RateLimiter;
  readonly smsSubscriptions: RateLimiter;
  private readonly goodTokens = new RecentSet(GOOD_TOKEN_TTL_MS);

  constructor(
    budgets: Partial<RateBudgets> = {},
    private readonly clock: () => number = Date.now,
  ) {
    const b = { ...DEFAULT_BUDGETS, ...budgets };
    this.enrollFailures = new RateLimiter(b.enrollFailures);
    this.authPerAddress = new RateLimiter(b.authFailuresPerAddress);
    this.authPerToken = new RateLimiter(b.authFailuresPerToken);
    this.progressLookups = new RateLimiter(b.progressLookups);
    this.progressMisses = new RateLimiter(b.progressMisses);
    this.smsSubscriptions = new RateLimiter(b.smsSubscriptions);
  }

  /** Limits run on the real clock (a test server's clock may stand still). */
  now(): number {
    return this.clock();
  }

  /**
   * Authenticate a terminal's token, counting failures per address and per token. While either
   * is over budget the answer is 429 before the database is asked, except for a token that
   * authenticated lately (the hall's own terminals behind the same address keep working).
   */
  async authenticate(q: Queryable, address: string, token: string | undefined, serverNow: number): Promise<Principal> {
    const now = this.now();
    const hash = token ? hashOf(token) : undefined;
    if (hash) {
      const w = this.authPerToken.wait(hash, now);
      if (w > 0) rateLimited(w, 'failed sign-ins with this token', '该令牌验证失败');
    }
    const w = this.authPerAddress.wait(address, now);
    if (w > 0 && !(hash && this.goodTokens.has(hash, now))) rateLimited(w, 'failed sign-ins', '身份验证失败');
    try {
      const who = await authenticate(q, token, serverNow);
      if (hash) this.goodTokens.add(hash, now);
      return who;
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) {
        this.authPerAddress.spend(address, now);
        if (hash) this.authPerToken.spend(hash, now);
      }
      throw err;
    }
  }

  /** Before trying an enrollment code: 429 while this address is over its wrong-code budget. */
  checkEnroll(address: string): void {
    const w = this.enrollFailures.wait(address, this.now());
    if (w > 0) rateLimited(w, 'wrong enrollment codes', '注册码错误次数');
  }

  enrollFailed(address: string): void {
    this.enrollFailures.spend(address, this.now());
  }

  /** Before a progress-page lookup: 429 while over the misses budget or the lookups budget. */
  checkProgress(address: string): void {
    const now = this.now();
    const miss = this.progressMisses.wait(address, now);
    if (miss > 0) rateLimited(miss, 'lookups of unknown tickets', '查询无效号码');
    const w = this.progressLookups.take(address, now);
    if (w > 0) rateLimited(w, 'progress lookups', '查询');
  }

  progressMissed(address: string): void {
    this.progressMisses.spend(address, this.now());
  }

  /** Before an SMS subscription. */
  takeSms(address: string): void {
    const w = this.smsSubscriptions.take(address, this.now());
    if (w > 0) rateLimited(w, 'SMS subscriptions', '短信提醒订阅');
  }
}
