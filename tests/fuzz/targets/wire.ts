/**
 * The device contract on the wire (shared/devices/wire.ts): the device host parses what a page
 * sends, the page parses what the host sends. Any text, however damaged, is refused or
 * accepted without an exception; an accepted call runs against a device API and answers
 * something the client's schema accepts.
 */
import { dispatchDeviceRequest } from '../../../shared/devices/dispatch';
import { DeviceAuthSchema, DeviceCallSchema, DeviceResultSchema, DeviceServerMessageSchema } from '../../../shared/devices/wire';
import { FakeDevices } from '../../support/fakeDevices';
import type { FuzzTarget, IterationContext } from '../engine';
import { mutateFrames } from '../mutate';
import { randomText } from './text';

const CALLS = [
  { id: 1, req: { op: 'health' } },
  { id: 2, req: { op: 'led-show', text: '请A023到5号窗口' } },
  { id: 3, req: { op: 'evaluator-prompt', active: true } },
  {
    id: 4,
    req: {
      op: 'print-ticket',
      ticket: { hallName: { zh: '中心', en: 'Center' }, number: 'A023', service: { zh: '户籍', en: 'Household' }, ahead: 3, waitMinutes: 12, issuedAt: '2026-11-23 09:30', qr: 'https://zwfw.example.cn/p/A023', offline: false },
    },
  },
];
const SERVER = [
  { id: 1, ok: true, result: null },
  { id: 2, ok: false, error: 'bad request' },
  { event: { type: 'scan', scan: { text: 'https://zwfw.example.cn/p/1', symbology: ']Q1', source: 'serial' } } },
  { event: { type: 'evaluator-key', key: { deviceId: 'evaluator', level: 5 } } },
  { event: { type: 'health', health: { id: 'printer', kind: 'printer', state: 'ok', message: { zh: '正常', en: 'ok' }, since: 1 } } },
];

function damagedJson(ctx: IterationContext, msgs: unknown[]): string {
  const { rng } = ctx;
  const base = JSON.stringify(rng.pick(msgs));
  const r = rng.int(5);
  if (r === 0) return base;
  if (r === 1) return '['.repeat(rng.range(1, 5000)) + ']'.repeat(rng.range(0, 5000));
  if (r === 2) return base.replace(/"[^"]*"/, () => JSON.stringify(randomText(rng, 0, 200)));
  if (r === 3) return base.replace(/\d+/, () => rng.pick(['-1', '1e400', '0.5', '9007199254740993', 'NaN', '"1"', 'null', '{}']));
  const m = mutateFrames(rng, [new TextEncoder().encode(base)], { marks: [0x22, 0x7b] });
  return new TextDecoder().decode(m.bytes);
}

export const wire: FuzzTarget = {
  name: 'wire.deviceHost',
  weight: 3,
  async run(ctx) {
    const toHost = damagedJson(ctx, CALLS);
    ctx.note('to the host', JSON.stringify(toHost).slice(0, 2000));
    let call;
    try {
      call = DeviceCallSchema.safeParse(JSON.parse(toHost));
    } catch (e) {
      if (!(e instanceof SyntaxError) && !(e instanceof RangeError)) ctx.fail('crash', `parsing a call threw ${(e as Error)?.name}`);
    }
    if (call?.success) {
      try {
        const result = await dispatchDeviceRequest(new FakeDevices(), call.data.req);
        if (!DeviceResultSchema.safeParse(result).success) ctx.fail('wrong', `an accepted call answered what the client refuses: ${JSON.stringify(result).slice(0, 200)}`);
      } catch (e) {
        ctx.fail('crash', `an accepted call threw: ${String(e)}`);
      }
    }
    // The page's first message, its session token: refused or accepted, never thrown.
    const auth = damagedJson(ctx, [{ t: 'auth', token: 'session-token-0123456789' }]);
    ctx.note('auth', JSON.stringify(auth).slice(0, 2000));
    try {
      const a = DeviceAuthSchema.safeParse(JSON.parse(auth));
      if (a.success && (a.data.token.length === 0 || a.data.token.length > 256)) ctx.fail('wrong', 'an auth message with an impossible token was accepted');
    } catch (e) {
      if (!(e instanceof SyntaxError) && !(e instanceof RangeError)) ctx.fail('crash', `parsing an auth message threw ${(e as Error)?.name}`);
    }
    const toPage = damagedJson(ctx, SERVER);
    ctx.note('to the page', JSON.stringify(toPage).slice(0, 2000));
    try {
      DeviceServerMessageSchema.safeParse(JSON.parse(toPage));
    } catch (e) {
      if (!(e instanceof SyntaxError) && !(e instanceof RangeError)) ctx.fail('crash', `parsing a host message threw ${(e as Error)?.name}`);
    }
  },
};
