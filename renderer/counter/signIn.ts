/**
 * Checking a clerk's staff number and PIN at the counter, offline, against the staff
 * configuration every terminal folds (only the PIN's salted hash is there). The throttle
 * (signInThrottle.ts) decides whether a try is allowed at all; this decides whether it is right.
 */
import type { Staff } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { HallState } from '../../shared/fold/state';
import { MAX_PIN_DIGITS, isTypablePin, verifyPin } from '../../shared/identity/pin';

export type SignInCheck =
  | { ok: true; staff: Staff }
  /** Only 'wrong-pin' counts against the throttle: the others guess nothing. */
  | { ok: false; code: 'empty' | 'unknown-staff' | 'no-pin' | 'bad-pin-format' | 'wrong-pin'; message: Bilingual };

/** Staff numbers are typed by hand: "S1 " finds s1. */
export function findStaff(s: HallState, typed: string): Staff | undefined {
  const id = typed.trim();
  if (!id) return undefined;
  const exact = s.config.staff.get(id);
  if (exact) return exact;
  const lower = id.toLowerCase();
  for (const st of s.config.staff.values()) if (st.id.toLowerCase() === lower) return st;
  return undefined;
}

export async function checkSignIn(s: HallState, staffNumber: string, pin: string): Promise<SignInCheck> {
  if (!staffNumber.trim() || !pin) return { ok: false, code: 'empty', message: { zh: '请输入工号和 PIN。', en: 'Enter your staff number and PIN.' } };
  const staff = findStaff(s, staffNumber);
  if (!staff) {
    return { ok: false, code: 'unknown-staff', message: { zh: `没有工号为“${staffNumber.trim()}”的工作人员，请核对工号。`, en: `No staff member has the number "${staffNumber.trim()}". Please check it.` } };
  }
  if (!staff.pinHash) {
    return { ok: false, code: 'no-pin', message: { zh: '该工号尚未设置 PIN，请联系大厅管理员。', en: 'This staff number has no PIN yet. Please ask the hall administrator.' } };
  }
  if (!isTypablePin(pin)) return { ok: false, code: 'bad-pin-format', message: { zh: `PIN 为 6 至 ${MAX_PIN_DIGITS} 位数字。`, en: `A PIN is 6 to ${MAX_PIN_DIGITS} digits.` } };
  if (!(await verifyPin(pin, staff.pinHash))) return { ok: false, code: 'wrong-pin', message: { zh: 'PIN 错误。', en: 'Wrong PIN.' } };
  return { ok: true, staff };
}
