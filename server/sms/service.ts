/**
 * The SMS service of one server instance (R2 silent calling: screens and SMS, no loudspeaker).
 *
 * When it runs. Decision: both a wake-up and a sweep.
 * - Wake-up: it LISTENs on the events channel (the same NOTIFY the live sockets use) and on
 *   the SMS channel (a new subscription), and checks that hall a moment later (coalesced), so a
 *   "called" SMS leaves within a second of the call reaching the server.
 * - Sweep: every `intervalMs` it checks every hall with open subscriptions and delivers due
 *   rows. Notifications are lost while an instance restarts, waits ahead of a ticket change with
 *   the clock too (an appointment's rank depends on the time), and retries come due with time:
 *   the sweep catches all of these. The database, not the notification, is the truth.
 * Every instance runs it. Enqueueing is idempotent (one notice per ticket and kind, by a unique
 * key) and delivery claims rows with SKIP LOCKED, so more instances never send more.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RESYNC, type Db } from '../db/db';
import type { ServerContext } from '../http/context';
import type { HallCache } from '../store/halls';
import { EVENTS_CHANNEL } from '../store/events';
import { DEFAULT_SIGNATURE } from './messages';
import { DEFAULT_DELIVER, deliverDue, enqueueNotices, purgePhones, type DeliverOptions } from './outbox';
import { LogSmsProvider, WebhookSmsProvider, type SmsProvider } from './provider';
import { SMS_CHANNEL } from './subscriptions';

export interface SmsConfig {
  enabled: boolean;
  /** Unset: LogSmsProvider on the server log. */
  webhook?: { url: string; timeoutMs: number; token?: string };
  nearAhead: number;
  signature: string;
  /** Sweep period; 0 = no timer (tests call tick()). */
  intervalMs: number;
  /** How long phone numbers are kept (R21). */
  retentionMs: number;
  deliver: DeliverOptions;
}

const EnvSchema = z.object({
  HALLQ_SMS: z.enum(['on', 'off']).default('on'),
  HALLQ_SMS_WEBHOOK_URL: z.string().url().optional(),
  HALLQ_SMS_WEBHOOK_TOKEN: z.string().min(1).optional(),
  HALLQ_SMS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  HALLQ_SMS_NEAR_AHEAD: z.coerce.number().int().min(0).max(50).default(3),
  HALLQ_SMS_SIGNATURE: z.string().min(1).max(16).default(DEFAULT_SIGNATURE),
  HALLQ_SMS_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  HALLQ_SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DEFAULT_DELIVER.maxAttempts),
  HALLQ_SMS_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 90).default(48),
});

/** The SMS configuration from the environment, validated (a bad value stops the server). */
export function smsConfigFromEnv(env: NodeJS.ProcessEnv): SmsConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) throw new Error(`hallq server: bad SMS configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = r.data;
  return {
    enabled: e.HALLQ_SMS === 'on',
    ...(e.HALLQ_SMS_WEBHOOK_URL
      ? { webhook: { url: e.HALLQ_SMS_WEBHOOK_URL, timeoutMs: e.HALLQ_SMS_WEBHOOK_TIMEOUT_MS, ...(e.HALLQ_SMS_WEBHOOK_TOKEN ? { token: e.HALLQ_SMS_WEBHOOK_TOKEN } : {}) } }
      : {}),
    nearAhead: e.HALLQ_SMS_NEAR_AHEAD,
    signature: e.HALLQ_SMS_SIGNATURE,
    intervalMs: e.HALLQ_SMS_INTERVAL_MS,
    retentionMs: e.HALLQ_SMS_RETENTION_HOURS * 3_600_000,
    deliver: { ...DEFAULT_DELIVER, maxAttempts: e.HALLQ_SMS_MAX_ATTEMPTS, leaseMs: Math.max(DEFAULT_DELIVER.leaseMs, e.HALLQ_SMS_WEBHOOK_TIMEOUT_MS * 2) },
  };
}

export interface SmsDeps {
  db: Db;
  cache: HallCache;
  now: () => number;
  onError?: (err: unknown) => void;
}

const WAKE_DELAY_MS = 100;
const PURGE_EVERY_MS = 3_600_000;

export class SmsService {
  private readonly dirty = new Set<string>();
  private unlisten: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private sweepNext = false;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly deps: SmsDeps,
    readonly provider: SmsProvider,
    private readonly config: Pick<SmsConfig, 'nearAhead' | 'signature' | 'intervalMs' | 'retentionMs' | 'deliver'>,
  ) {}

  async start(): Promise<void> {
    const wake = (hall: string) => this.wake(hall);
    this.unlisten.push(await this.deps.db.listen(EVENTS_CHANNEL, wake), await this.deps.db.listen(SMS_CHANNEL, wake));
    if (this.config.intervalMs > 0) {
      this.timer = setInterval(() => this.kick(true), this.config.intervalMs);
      this.timer.unref();
    }
  }

  /** Stop the timers and wait for the run in flight (nothing is left half-done). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    for (const u of this.unlisten) await u().catch(() => {});
    this.unlisten = [];
    await this.running;
  }

  /** New events or a new subscription in a hall: check it shortly (coalesced). */
  wake(hall: string): void {
    if (this.stopped) return;
    // Notifications were lost (the database connection dropped): sweep every hall.
    if (hall === RESYNC) return this.kick(true);
    this.dirty.add(hall);
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.kick(false);
    }, WAKE_DELAY_MS);
    this.soon.unref();
  }

  private kick(sweep: boolean): void {
    if (this.stopped) return;
    if (sweep) this.sweepNext = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const all = this.sweepNext;
        this.sweepNext = false;
        try {
          await this.tick(all);
        } catch (err) {
          this.deps.onError?.(err);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** One round: enqueue for the woken halls (or every hall with open subscriptions), then deliver. */
  async tick(all = true): Promise<{ near: number; called: number; sent: number }> {
    const now = this.deps.now();
    let halls = [...this.dirty];
    this.dirty.clear();
    if (all) {
      const r = await this.deps.db.query<{ hall: string }>('SELECT DISTINCT hall FROM sms_subscriptions WHERE closed_at IS NULL');
      halls = [...new Set([...halls, ...r.rows.map((x) => x.hall)])];
    }
    const out = { near: 0, called: 0, sent: 0 };
    for (const hall of halls) {
      const n = await enqueueNotices(this.deps.db, this.deps.cache, hall, now, this.config);
      out.near += n.near;
      out.called += n.called;
    }
    for (;;) {
      const d = await deliverDue(this.deps.db, this.provider, this.deps.now, this.config.deliver);
      out.sent += d.sent;
      if (d.claimed < this.config.deliver.batch || this.stopped) break;
    }
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      await purgePhones(this.deps.db, now, this.config.retentionMs);
      this.lastPurge = now;
    }
    return out;
  }
}

const services = new WeakMap<FastifyInstance, SmsService>();

/** The SMS service buildServer started for this app (undefined when SMS is off). */
export function smsServiceOf(app: FastifyInstance): SmsService | undefined {
  return services.get(app);
}

/**
 * Start the SMS service with the server: it listens once the app is ready and stops (finishing
 * the round in flight) when the app closes. Configured from the environment (HALLQ_SMS_*).
 */
export function startSms(app: FastifyInstance, ctx: ServerContext, config: SmsConfig = smsConfigFromEnv(process.env)): void {
  if (!config.enabled) return;
  const provider = config.webhook ? new WebhookSmsProvider(config.webhook) : new LogSmsProvider(app.log);
  const svc = new SmsService({ db: ctx.db, cache: ctx.cache, now: ctx.now, onError: (err) => app.log.error({ err }, 'sms round failed') }, provider, config);
  services.set(app, svc);
  app.addHook('onReady', () => svc.start());
  app.addHook('onClose', () => svc.stop());
}
