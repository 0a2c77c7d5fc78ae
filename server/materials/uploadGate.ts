/**
 * The upload path's own queue (issue 15, finding 7): upload work never delays tickets and calls.
 *
 * Every upload request's work (checking the chunk, storing it, assembling the file) runs here,
 * one job at a time per server, and only when no other request (a number, a call, a push, a
 * pull, /health) is in flight: queue-first. A job that has waited MAX_YIELD_MS for a gap runs
 * anyway, so uploads still move in a busy hall (the queue's requests are short; an upload's
 * chunk is one job, never a whole file). The queue is bounded per terminal, per hall and in
 * all: beyond that the request is answered 429 with Retry-After at once (before any work), and
 * the counter's uploader (or a hub's relay) waits and sends it again.
 *
 * Why one job at a time: on PGlite the database is one connection in the event loop, so two
 * uploads at once only take turns with the queue's statements; on PostgreSQL the uploads then
 * hold at most one of the pool's connections, and the queue keeps the rest.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RequestError } from '../http/errors';

export interface UploadGateLimits {
  /** Jobs waiting or running per terminal (the counter sends one chunk at a time; one more for a retry of a request that timed out while queued). */
  perTerminal: number;
  /** Jobs waiting or running per hall. */
  perHall: number;
  /** Jobs waiting or running on this server. */
  total: number;
  /** The longest a job waits for a moment with no queue request in flight. */
  maxYieldMs: number;
}

export const DEFAULT_GATE_LIMITS: UploadGateLimits = { perTerminal: 2, perHall: 8, total: 32, maxYieldMs: 250 };

const EnvSchema = z.object({
  HALLQ_UPLOAD_QUEUE_PER_TERMINAL: z.coerce.number().int().min(1).max(100).default(DEFAULT_GATE_LIMITS.perTerminal),
  HALLQ_UPLOAD_QUEUE_PER_HALL: z.coerce.number().int().min(1).max(1000).default(DEFAULT_GATE_LIMITS.perHall),
  HALLQ_UPLOAD_QUEUE_TOTAL: z.coerce.number().int().min(1).max(10000).default(DEFAULT_GATE_LIMITS.total),
  HALLQ_UPLOAD_YIELD_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_GATE_LIMITS.maxYieldMs),
});

/** The queue's bounds from the environment (validated; defaults above). */
export function gateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadGateLimits {
  const e = EnvSchema.parse({
    HALLQ_UPLOAD_QUEUE_PER_TERMINAL: env.HALLQ_UPLOAD_QUEUE_PER_TERMINAL,
    HALLQ_UPLOAD_QUEUE_PER_HALL: env.HALLQ_UPLOAD_QUEUE_PER_HALL,
    HALLQ_UPLOAD_QUEUE_TOTAL: env.HALLQ_UPLOAD_QUEUE_TOTAL,
    HALLQ_UPLOAD_YIELD_MS: env.HALLQ_UPLOAD_YIELD_MS,
  });
  return { perTerminal: e.HALLQ_UPLOAD_QUEUE_PER_TERMINAL, perHall: e.HALLQ_UPLOAD_QUEUE_PER_HALL, total: e.HALLQ_UPLOAD_QUEUE_TOTAL, maxYieldMs: e.HALLQ_UPLOAD_YIELD_MS };
}

/** 429 with Retry-After: the route sets the header from `retryAfterS`. */
export class UploadBusyError extends RequestError {
  override name = 'UploadBusyError';
  constructor(
    readonly retryAfterS: number,
    code: string,
    message: string,
    messageZh: string,
  ) {
    super(429, code, message, messageZh);
  }
}

interface Job {
  run: () => Promise<void>;
}

export class UploadGate {
  private readonly waiting: Job[] = [];
  private running = false;
  private readonly byTerminal = new Map<string, number>();
  private readonly byHall = new Map<string, number>();
  private inGate = 0;
  /** Requests of the queue (not uploads, not live sockets) being handled now. */
  queueInFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** Jobs run, and how many had to wait for the queue to be quiet (tests, diagnostics). */
  readonly stats = { jobs: 0, yielded: 0, refused: 0 };

  constructor(readonly limits: UploadGateLimits = DEFAULT_GATE_LIMITS) {}

  /** Count the server's other requests, so uploads can give them the way. */
  watch(app: FastifyInstance, isUpload: (url: string) => boolean): void {
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.upgrade || isUpload(req.url)) return;
      this.queueInFlight += 1;
      reply.raw.once('close', () => {
        this.queueInFlight -= 1;
        if (this.queueInFlight === 0) this.wakeIdle();
      });
    });
  }

  /** Jobs waiting or running now. */
  get size(): number {
    return this.inGate;
  }

  /** Jobs waiting or running for this hall now. */
  hallSize(hall: string): number {
    return this.byHall.get(hall) ?? 0;
  }

  /**
   * Run `fn` in the upload queue, or refuse at once (429) when the terminal, its hall or the
   * server already has its share waiting.
   */
  run<T>(who: { hall: string; terminalId: string }, fn: () => Promise<T>): Promise<T> {
    const t = this.byTerminal.get(who.terminalId) ?? 0;
    const h = this.byHall.get(who.hall) ?? 0;
    if (t >= this.limits.perTerminal) {
      this.stats.refused += 1;
      throw new UploadBusyError(
        1,
        'upload-busy-terminal',
        `this terminal already has ${t} upload request(s) in progress; send one chunk at a time (try again in 1 s)`,
        '该终端已有上传在进行，请逐块上传（1 秒后重试）',
      );
    }
    if (h >= this.limits.perHall || this.inGate >= this.limits.total) {
      this.stats.refused += 1;
      const s = Math.max(1, Math.min(30, Math.ceil(this.inGate / 2)));
      throw new UploadBusyError(
        s,
        'upload-busy',
        `the server is busy with ${h >= this.limits.perHall ? "this hall's" : 'other'} uploads (tickets and calls go first); try again in ${s} s`,
        `服务器正忙于处理上传（取号叫号优先），请 ${s} 秒后重试`,
      );
    }
    this.byTerminal.set(who.terminalId, t + 1);
    this.byHall.set(who.hall, h + 1);
    this.inGate += 1;
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        run: async () => {
          try {
            resolve(await fn());
          } catch (e) {
            reject(e);
          } finally {
            this.release(who);
          }
        },
      });
      void this.pump();
    });
  }

  private release(who: { hall: string; terminalId: string }): void {
    this.inGate -= 1;
    const t = (this.byTerminal.get(who.terminalId) ?? 1) - 1;
    if (t > 0) this.byTerminal.set(who.terminalId, t);
    else this.byTerminal.delete(who.terminalId);
    const h = (this.byHall.get(who.hall) ?? 1) - 1;
    if (h > 0) this.byHall.set(who.hall, h);
    else this.byHall.delete(who.hall);
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /** Until no queue request is in flight, or maxYieldMs. */
  private async quiet(): Promise<void> {
    if (this.queueInFlight === 0) return;
    this.stats.yielded += 1;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.limits.maxYieldMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.waiting.shift(); job; job = this.waiting.shift()) {
        // A request that arrived in the same tick gets in first.
        await new Promise((r) => setImmediate(r));
        await this.quiet();
        this.stats.jobs += 1;
        await job.run();
      }
    } finally {
      this.running = false;
    }
  }
}
