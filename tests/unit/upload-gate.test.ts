/**
 * The upload path's own queue (issue 15, finding 7): upload work runs one job at a time, after
 * the queue's requests, and the queue is bounded per terminal, per hall and in all (429 with a
 * Retry-After and both languages). No timing: the order of events decides.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadBusyError, UploadGate, gateLimitsFromEnv } from '../../server/materials/uploadGate';

const counter = (n: number) => ({ hall: 'hall-1', terminalId: `counter-${n}` });
const tick = () => new Promise((r) => setImmediate(r));

/** A job that runs until released, and says when it started. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const state = { started: false };
  return { state, release, job: async () => ((state.started = true), await done) };
}

describe('the upload queue', () => {
  const apps: Array<ReturnType<typeof Fastify>> = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('runs one upload job at a time, in arrival order', async () => {
    const gate = new UploadGate({ perTerminal: 2, perHall: 8, total: 32, maxYieldMs: 50 });
    const a = held();
    const b = held();
    const pa = gate.run(counter(1), a.job);
    const pb = gate.run(counter(2), b.job);
    for (let i = 0; i < 5; i++) await tick();
    expect([a.state.started, b.state.started]).toEqual([true, false]);
    a.release();
    await pa;
    for (let i = 0; i < 5; i++) await tick();
    expect(b.state.started).toBe(true);
    b.release();
    await pb;
    expect(gate.size).toBe(0);
  });

  it('a third chunk of one terminal while two wait is refused with 429, Retry-After and both languages, before any work', async () => {
    const gate = new UploadGate({ perTerminal: 2, perHall: 8, total: 32, maxYieldMs: 50 });
    const a = held();
    const p1 = gate.run(counter(1), a.job);
    const p2 = gate.run(counter(1), async () => undefined);
    let ran = false;
    let refusal: unknown;
    try {
      await gate.run(counter(1), async () => void (ran = true));
    } catch (e) {
      refusal = e;
    }
    expect(ran).toBe(false);
    expect(refusal).toBeInstanceOf(UploadBusyError);
    const err = refusal as UploadBusyError;
    expect(err.status).toBe(429);
    expect(err.code).toBe('upload-busy-terminal');
    expect(err.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(err.messageZh).toMatch(/上传/);
    // Another counter of the hall still gets in.
    const p3 = gate.run(counter(2), async () => 'ok');
    a.release();
    await Promise.all([p1, p2]);
    expect(await p3).toBe('ok');
  });

  it("a hall's uploads beyond its share of the queue are refused with 429 while another hall's still get in", async () => {
    const gate = new UploadGate({ perTerminal: 2, perHall: 3, total: 32, maxYieldMs: 50 });
    const a = held();
    const running = [gate.run(counter(1), a.job), gate.run(counter(2), async () => undefined), gate.run(counter(3), async () => undefined)];
    expect(() => gate.run(counter(4), async () => undefined)).toThrow(UploadBusyError);
    const other = gate.run({ hall: 'hall-2', terminalId: 'counter-1' }, async () => 'theirs');
    a.release();
    await Promise.all(running);
    expect(await other).toBe('theirs');
    expect(gate.stats.refused).toBe(1);
  });

  it('a waiting upload job starts only when no ticket or call request is in flight (queue first)', async () => {
    const gate = new UploadGate({ perTerminal: 2, perHall: 8, total: 32, maxYieldMs: 60_000 });
    const app = Fastify();
    apps.push(app);
    let releaseNumber!: () => void;
    const numberHeld = new Promise<void>((r) => (releaseNumber = r));
    let numberArrived!: () => void;
    const arrived = new Promise<void>((r) => (numberArrived = r));
    gate.watch(app, (url) => url.startsWith('/api/materials/'));
    app.post('/api/numbers', async () => {
      numberArrived();
      await numberHeld;
      return { seq: 1 };
    });
    app.get('/api/sync/live', async () => 'socket');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

    const answer = fetch(`${url}/api/numbers`, { method: 'POST' });
    await arrived;
    const upload = held();
    const p = gate.run(counter(1), upload.job);
    for (let i = 0; i < 20; i++) await tick();
    // The number is being answered: the upload waits.
    expect(upload.state.started).toBe(false);
    releaseNumber();
    expect((await answer).status).toBe(200);
    for (let i = 0; i < 200 && !upload.state.started; i++) await tick();
    expect(upload.state.started).toBe(true);
    upload.release();
    await p;
    expect(gate.stats.yielded).toBe(1);
  });

  it('the queue bounds come from the environment, validated', () => {
    expect(gateLimitsFromEnv({ HALLQ_UPLOAD_QUEUE_PER_HALL: '4' }).perHall).toBe(4);
    expect(() => gateLimitsFromEnv({ HALLQ_UPLOAD_QUEUE_PER_HALL: '0' })).toThrow();
  });
});
