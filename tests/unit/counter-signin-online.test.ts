import { describe, expect, it } from 'vitest';
import { changePinOnline, signInOnline } from '../../renderer/counter/signInOnline';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })) as unknown as typeof fetch;
const opts = (f: typeof fetch) => ({ base: 'http://hall.test', token: 't', fetch: f });

describe('counter sign-in online', () => {
  it("the server's refusal is final: a wrong PIN or a lock is never re-checked offline", async () => {
    expect(await signInOnline(opts(answer(401, { error: 'wrong-pin', message: 'wrong PIN', messageZh: 'PIN 错误' })), 's1', '000000')).toEqual({
      kind: 'refused',
      code: 'wrong-pin',
      message: { zh: 'PIN 错误', en: 'wrong PIN' },
    });
    expect(await signInOnline(opts(answer(429, { error: 'pin-locked', message: 'locked', messageZh: '已锁定' }, { 'retry-after': '60' })), 's1', '000000')).toMatchObject({
      kind: 'refused',
      code: 'pin-locked',
      waitMs: 60_000,
    });
  });

  it('no server, a failing server, or one too old to know the route: the counter checks offline', async () => {
    expect(await signInOnline({ base: null, token: 't' }, 's1', '246810')).toEqual({ kind: 'unreachable' });
    expect(await signInOnline(opts(answer(500, { error: 'server-error', message: 'x' })), 's1', '246810')).toEqual({ kind: 'unreachable' });
    expect(await signInOnline(opts(answer(404, { error: 'not-found', message: 'no route' })), 's1', '246810')).toEqual({ kind: 'unreachable' });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await signInOnline(opts(down), 's1', '246810')).toEqual({ kind: 'unreachable' });
  });

  it('a right PIN signs in; a PIN from before 6 digits comes back with mustChangePin', async () => {
    expect(await signInOnline(opts(answer(200, { ok: true, staffId: 's1', mustChangePin: false, upgraded: true })), 's1', '246810')).toEqual({ kind: 'ok', staffId: 's1', mustChangePin: false });
    expect(await signInOnline(opts(answer(200, { ok: true, staffId: 's1', mustChangePin: true, upgraded: false })), 's1', '1234')).toMatchObject({ mustChangePin: true });
    expect(await changePinOnline(opts(answer(400, { error: 'bad-new-pin', message: 'too short', messageZh: '太短' })), 's1', '1234', '5678')).toMatchObject({ kind: 'refused', code: 'bad-new-pin' });
  });
});
