/**
 * Online staff sign-in at a counter (issue 15, finding 3). The counter asks here first when the
 * server is reachable, and falls back to its offline check (the hash it holds, its own lockout)
 * only when it is not.
 *
 *   POST /api/staff/sign-in {staffId, pin}          -> {ok, staffId, mustChangePin, upgraded}
 *   POST /api/staff/pin     {staffId, pin, newPin}  -> {ok, staffId}
 *
 * Both check the PIN under the lockout rule of shared/identity/pinLockout.ts, per staff number
 * and per terminal (server/store/pinLockouts.ts): a wrong PIN is 401 `wrong-pin`, a lock is 429
 * `pin-locked` with Retry-After. A right PIN whose hash is of an older, cheaper format is
 * re-hashed at the current cost and stored as a `config.changed` (the upgrade); a PIN shorter
 * than the current minimum signs in with `mustChangePin`, and the counter asks for a new one.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { IdSchema, type Staff } from '../../../shared/config/schemas';
import { MAX_PIN_DIGITS, MIN_PIN_DIGITS, hashPin, isValidPin, pinHashIsCurrent, verifyPin } from '../../../shared/identity/pin';
import { clear, after, reserve, staffSubject, terminalSubject } from '../../store/pinLockouts';
import type { Principal } from '../../store/events';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

const PinSchema = z.string().regex(new RegExp(`^\\d{4,${MAX_PIN_DIGITS}}$`), `4 to ${MAX_PIN_DIGITS} digits`);
const SignInSchema = z.object({ staffId: IdSchema, pin: PinSchema }).strict();
const ChangePinSchema = z.object({ staffId: IdSchema, pin: PinSchema, newPin: z.string().max(40) }).strict();

export function staffRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/staff/sign-in', async (req, reply) => {
    const who = await principal(ctx, req, ['counter']);
    const { staffId, pin } = parse(SignInSchema, req.body);
    const staff = await checkPin(ctx, who, staffId, pin, reply);
    let upgraded = false;
    if (!pinHashIsCurrent(staff.pinHash) && isValidPin(pin)) {
      // The upgrade: the same PIN, hashed at today's cost, replaces the old hash everywhere.
      await storePin(ctx, who.hall, staff, pin);
      upgraded = true;
    }
    return { ok: true, staffId: staff.id, mustChangePin: !isValidPin(pin), upgraded };
  });

  app.post('/api/staff/pin', async (req, reply) => {
    const who = await principal(ctx, req, ['counter']);
    const { staffId, pin, newPin } = parse(ChangePinSchema, req.body);
    if (!isValidPin(newPin)) {
      refuse(400, 'bad-new-pin', `the new PIN must be ${MIN_PIN_DIGITS} to ${MAX_PIN_DIGITS} digits`, `新 PIN 应为 ${MIN_PIN_DIGITS} 至 ${MAX_PIN_DIGITS} 位数字`);
    }
    if (newPin === pin) refuse(400, 'same-pin', 'the new PIN must differ from the old one', '新 PIN 不能与旧 PIN 相同');
    const staff = await checkPin(ctx, who, staffId, pin, reply);
    await storePin(ctx, who.hall, staff, newPin);
    return { ok: true, staffId: staff.id };
  });
}

/** The clerk, if the PIN is right; else the refusal, counted against the lockout. */
async function checkPin(ctx: ServerContext, who: Principal, staffId: string, pin: string, reply: FastifyReply): Promise<Staff> {
  const now = ctx.now();
  const fold = await ctx.db.tx((q) => ctx.cache.get(q, who.hall, now));
  const staff = fold.state.config.staff.get(staffId);
  if (!staff) refuse(404, 'unknown-staff', `No staff member has the number "${staffId}". Please check it.`, `没有工号为“${staffId}”的工作人员，请核对工号。`);
  if (staff!.windows && who.windowId && !staff!.windows.includes(who.windowId)) {
    refuse(403, 'staff-not-at-window', `${staffId} is not assigned to window ${who.windowId}`, `该工作人员未被分配到本窗口`);
  }
  if (!staff!.pinHash) refuse(403, 'no-pin', `${staffId} has no PIN yet; the hall administrator sets one`, '该工号尚未设置 PIN，请联系大厅管理员');
  const subjects = [staffSubject(staffId), terminalSubject(who.terminalId)];
  const slot = await reserve(ctx.db, who.hall, subjects, now);
  if (!slot.ok) locked(reply, slot.waitMs);
  if (await verifyPin(pin, staff!.pinHash)) {
    await clear(ctx.db, who.hall, subjects);
    return staff!;
  }
  const left = await after(ctx.db, who.hall, subjects, ctx.now());
  if (!left.ok) locked(reply, left.waitMs);
  const n = (left as { triesLeft: number }).triesLeft;
  return refuse(401, 'wrong-pin', `wrong PIN; ${n} ${n === 1 ? 'try' : 'tries'} left before sign-in locks`, `PIN 错误，还可尝试 ${n} 次`);
}

function locked(reply: FastifyReply, waitMs: number): never {
  const s = Math.max(1, Math.ceil(waitMs / 1000));
  void reply.header('retry-after', String(s));
  return refuse(429, 'pin-locked', `too many wrong PINs: sign-in is locked; try again in ${s} s`, `PIN 错误次数过多，已锁定，请 ${s} 秒后再试`);
}

async function storePin(ctx: ServerContext, hall: string, staff: Staff, pin: string): Promise<void> {
  const pinHash = await hashPin(pin, randomBytes(16));
  const { pinSet: _set, ...card } = staff;
  await ctx.author.write(hall, [{ type: 'config.changed', payload: { kind: 'staff', id: staff.id, value: { ...card, pinHash } } }]);
}
