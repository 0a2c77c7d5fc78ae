/**
 * The counter's online sign-in (server/http/routes/staff.ts): when the hall server answers, its
 * answer is the one that counts (it checks the PIN under the hall-wide lockout, upgrades old
 * hashes and asks for a new PIN when the old one is too short). When it does not answer (no
 * server, a timeout, a 5xx, a server too old to know the route), the counter checks offline
 * (signIn.ts) under its own lockout, the same rule. fetch and the clock are arguments, so this
 * runs in Node tests too.
 */
import { z } from 'zod';
import type { Bilingual } from '../../shared/config/text';
import { ErrorBodySchema } from '../../shared/sync/protocol';

export interface OnlineOptions {
  /** The server the sync engine talks to now; null: none (offline). */
  base: string | null;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type OnlineAnswer =
  | { kind: 'ok'; staffId: string; mustChangePin: boolean }
  | { kind: 'refused'; code: string; message: Bilingual; waitMs?: number }
  | { kind: 'unreachable' };

const SignInAnswer = z.object({ ok: z.literal(true), staffId: z.string(), mustChangePin: z.boolean().default(false) });
const ChangeAnswer = z.object({ ok: z.literal(true), staffId: z.string() });

/** Refusals that are the server's real answer about this clerk and PIN (others: check offline). */
const ANSWERS = new Set(['wrong-pin', 'pin-locked', 'unknown-staff', 'staff-not-at-window', 'no-pin', 'bad-new-pin', 'same-pin']);

export function signInOnline(o: OnlineOptions, staffId: string, pin: string): Promise<OnlineAnswer> {
  return post(o, '/api/staff/sign-in', { staffId, pin }, (v) => {
    const a = SignInAnswer.parse(v);
    return { kind: 'ok', staffId: a.staffId, mustChangePin: a.mustChangePin };
  });
}

export function changePinOnline(o: OnlineOptions, staffId: string, pin: string, newPin: string): Promise<OnlineAnswer> {
  return post(o, '/api/staff/pin', { staffId, pin, newPin }, (v) => {
    const a = ChangeAnswer.parse(v);
    return { kind: 'ok', staffId: a.staffId, mustChangePin: false };
  });
}

async function post(o: OnlineOptions, path: string, body: unknown, ok: (v: unknown) => OnlineAnswer): Promise<OnlineAnswer> {
  if (!o.base) return { kind: 'unreachable' };
  const f = o.fetch ?? fetch;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs ?? 5_000);
  let res: Response;
  let json: unknown;
  try {
    res = await f(`${o.base.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    json = await res.json().catch(() => undefined);
  } catch {
    return { kind: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
  if (res.ok) {
    try {
      return ok(json);
    } catch {
      return { kind: 'unreachable' };
    }
  }
  const err = ErrorBodySchema.safeParse(json);
  if (res.status >= 500 || !err.success || !ANSWERS.has(err.data.error)) return { kind: 'unreachable' };
  const retry = Number(res.headers.get('retry-after'));
  return {
    kind: 'refused',
    code: err.data.error,
    message: { zh: err.data.messageZh ?? err.data.message, en: err.data.message },
    ...(res.status === 429 && retry > 0 ? { waitMs: retry * 1000 } : {}),
  };
}
