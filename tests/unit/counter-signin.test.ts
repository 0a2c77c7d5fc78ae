import { describe, expect, it } from 'vitest';
import { hashPin } from '../../shared/identity/pin';
import { checkSignIn, findStaff } from '../../renderer/counter/signIn';
import { FRESH, LOCK_MS, MAX_TRIES, canTry, parseThrottle, recordFailure, recordSuccess } from '../../renderer/counter/signInThrottle';
import { makeHall } from '../support/hall';

async function hallWithPins() {
  const h = makeHall();
  const pinHash = await hashPin('1234', new Uint8Array(16).fill(7), 1_000);
  h.emit(h.admin, 'config.changed', { kind: 'staff', id: 's1', value: { id: 's1', name: '王芳', post: '综合受理', pinHash } });
  return h;
}

describe('counter sign-in', () => {
  it('the right staff number and PIN sign in, checked offline against the PIN hash', async () => {
    const h = await hallWithPins();
    const r = await checkSignIn(h.fold.state, ' S1 ', '1234');
    expect(r.ok && r.staff.id).toBe('s1');
  });

  it('a wrong PIN is refused with a clear bilingual message', async () => {
    const h = await hallWithPins();
    const r = await checkSignIn(h.fold.state, 's1', '4321');
    expect(r).toMatchObject({ ok: false, code: 'wrong-pin', message: { zh: 'PIN 错误。', en: 'Wrong PIN.' } });
  });

  it('an unknown staff number, a clerk without a PIN and a malformed PIN say so (and guess nothing)', async () => {
    const h = await hallWithPins();
    expect(await checkSignIn(h.fold.state, 's9', '1234')).toMatchObject({ ok: false, code: 'unknown-staff' });
    expect(await checkSignIn(h.fold.state, 's2', '1234')).toMatchObject({ ok: false, code: 'no-pin' });
    expect(await checkSignIn(h.fold.state, 's1', '12')).toMatchObject({ ok: false, code: 'bad-pin-format' });
    expect(await checkSignIn(h.fold.state, '', '')).toMatchObject({ ok: false, code: 'empty' });
    expect(findStaff(h.fold.state, '   ')).toBeUndefined();
  });

  it("an admin's edit of the card without a PIN keeps the clerk's PIN (admins never hold the hash)", async () => {
    const h = await hallWithPins();
    h.emit(h.admin, 'config.changed', { kind: 'staff', id: 's1', value: { id: 's1', name: '王芳', post: '综合窗口' } });
    expect(h.fold.state.config.staff.get('s1')?.post).toBe('综合窗口');
    expect((await checkSignIn(h.fold.state, 's1', '1234')).ok).toBe(true);
    // What a non-counter terminal folds: the card with pinSet and no hash, kept the same way.
    const d = makeHall();
    d.emit(d.admin, 'config.changed', { kind: 'staff', id: 's1', value: { id: 's1', name: '王芳', pinSet: true } });
    d.emit(d.admin, 'config.changed', { kind: 'staff', id: 's1', value: { id: 's1', name: '王芳', post: '综合窗口' } });
    expect(d.fold.state.config.staff.get('s1')).toMatchObject({ pinSet: true });
    expect(d.fold.state.config.staff.get('s1')?.pinHash).toBeUndefined();
  });

  it('a clerk whose PIN predates 6 digits still signs in offline with it (the server asks for a new one online)', async () => {
    const h = await hallWithPins();
    expect((await checkSignIn(h.fold.state, 's1', '1234')).ok).toBe(true);
    expect(await checkSignIn(h.fold.state, 's1', '123')).toMatchObject({ ok: false, code: 'bad-pin-format' });
  });
});

describe('sign-in throttle', () => {
  it(`${MAX_TRIES} wrong PINs in a row lock the form for a minute, then tries start over`, () => {
    let s = { ...FRESH };
    const t0 = 1_000_000;
    for (let i = 0; i < MAX_TRIES - 1; i++) {
      s = recordFailure(s, t0);
      expect(canTry(s, t0)).toEqual({ ok: true, triesLeft: MAX_TRIES - 1 - i });
    }
    s = recordFailure(s, t0);
    expect(canTry(s, t0 + 1_000)).toEqual({ ok: false, waitMs: LOCK_MS - 1_000 });
    expect(canTry(s, t0 + LOCK_MS)).toEqual({ ok: true, triesLeft: MAX_TRIES });
  });

  it('each further lock lasts twice as long; a right PIN clears it all', () => {
    let s = { ...FRESH };
    for (let i = 0; i < MAX_TRIES * 2; i++) s = recordFailure(s, 0);
    expect(canTry(s, 0)).toEqual({ ok: false, waitMs: 2 * LOCK_MS });
    expect(recordSuccess()).toEqual(FRESH);
  });

  it('a stored throttle survives a reload; garbage in storage reads as fresh', () => {
    const s = recordFailure(recordFailure({ ...FRESH }, 0), 0);
    expect(parseThrottle(JSON.stringify(s))).toEqual(s);
    expect(parseThrottle('not json')).toEqual(FRESH);
    expect(parseThrottle(null)).toEqual(FRESH);
    expect(parseThrottle('{"failures":-3,"lockedUntil":"x"}')).toEqual(FRESH);
  });
});
