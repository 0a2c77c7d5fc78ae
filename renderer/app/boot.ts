/**
 * Starting a terminal in the browser: enroll with the one-time code the first time (the
 * identity then lives in the terminal's IndexedDB), then open its sync with the browser's
 * objects. Errors come back as bilingual messages for the screen, never as a blank page.
 */
import type { Bilingual } from '../../shared/config/text';
import { EnrollResponseSchema, ErrorBodySchema, type Role } from '../../shared/sync/protocol';
import { TerminalDatabase, type TerminalIdentity } from '../db/database';
import { lockProvider } from '../sync/leader';
import { openTerminal, type Terminal } from '../sync/terminal';

export interface BootOptions {
  /** The role of the page: a counter's code cannot open a kiosk. */
  role: Role;
  terminalId: string;
  upstreams: string[];
  code?: string | undefined;
  onError?: (error: unknown, where: string) => void;
}

export type BootResult = { ok: true; terminal: Terminal; identity: TerminalIdentity } | { ok: false; message: Bilingual };

const ROLE_NAMES: Record<string, Bilingual> = {
  kiosk: { zh: '取号机', en: 'kiosk' },
  counter: { zh: '窗口叫号', en: 'counter' },
  evaluator: { zh: '评价器', en: 'evaluator' },
  display: { zh: '大屏', en: 'display board' },
  admin: { zh: '大厅管理', en: 'admin' },
};

export async function bootTerminal(o: BootOptions): Promise<BootResult> {
  let db = new TerminalDatabase(o.terminalId);
  try {
    let identity = await db.getIdentity();
    if (o.code && identity && (await db.getMeta('enrollCode')) !== o.code) {
      // A new code for an enrolled terminal (re-enrolled by the admin, or a new demo hall).
      // Only an install with nothing left to send starts over: its events are never dropped.
      const pending = await db.outboxSize();
      if (pending === 0) {
        await db.delete();
        db = new TerminalDatabase(o.terminalId);
        identity = undefined;
      } else {
        // Events still to send (an offline ticket) and a server that no longer knows this
        // terminal (it lost its database): continue this origin there and send them.
        const resumed = await resumeEnrollment(db, identity, o, pending);
        if (!resumed.ok) return resumed;
        identity = resumed.identity;
      }
    }
    if (!identity) {
      if (!o.code) return { ok: false, message: NOT_ENROLLED };
      const enrolled = await enroll(o.upstreams, o.code);
      if (!enrolled.ok) return enrolled;
      const r = enrolled.response;
      if (r.terminal.id !== o.terminalId) return { ok: false, message: wrongTerminal(r.terminal.id, o.terminalId) };
      if (r.terminal.role !== o.role) return { ok: false, message: wrongRole(r.terminal.role, o.role) };
      identity = { terminalId: r.terminal.id, hall: r.terminal.hall, role: r.terminal.role, token: r.token, epoch: r.epoch, ...(r.terminal.windowId ? { windowId: r.terminal.windowId } : {}) };
      await db.setIdentity(identity);
      await db.setMeta('enrollCode', o.code);
    } else if (identity.role !== o.role) {
      return { ok: false, message: wrongRole(identity.role, o.role) };
    }
  } finally {
    db.close();
  }
  const terminal = await openTerminal({
    terminalId: o.terminalId,
    upstreams: o.upstreams,
    fetch: (url, init) => fetch(url, init),
    WebSocket,
    timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) },
    now: () => Date.now(),
    random: Math.random,
    locks: lockProvider(typeof navigator !== 'undefined' ? navigator.locks : undefined),
    channel: new BroadcastChannel(`hallq-${o.terminalId}`),
    storage: navigator.storage,
    ...(o.onError ? { onError: o.onError } : {}),
  });
  // The network is back (cable, Wi-Fi, VPN): sync now rather than at the end of a backoff
  // that may have grown to a minute while it was down.
  addEventListener('online', () => terminal.engine.kick());
  return { ok: true, terminal, identity: terminal.local.identity };
}

/**
 * Re-enrollment of an install that still has events to send: the server is asked to continue
 * this install's origin epoch (granted when it has never seen it: it lost its database). Then
 * the database stays, with the new token, and pulls the new server's log from its start; the
 * push that follows resends the own events the server lacks. A server that gave another epoch
 * knows this terminal's past: the events could not be sent under it, and the page says so
 * rather than start over on top of them.
 */
async function resumeEnrollment(
  db: TerminalDatabase,
  identity: TerminalIdentity,
  o: BootOptions,
  pending: number,
): Promise<{ ok: true; identity: TerminalIdentity } | { ok: false; message: Bilingual }> {
  const enrolled = await enroll(o.upstreams, o.code!, identity.epoch);
  if (!enrolled.ok) return enrolled;
  const r = enrolled.response;
  if (r.terminal.id !== o.terminalId) return { ok: false, message: wrongTerminal(r.terminal.id, o.terminalId) };
  if (r.terminal.role !== o.role) return { ok: false, message: wrongRole(r.terminal.role, o.role) };
  if (r.epoch !== identity.epoch || r.terminal.hall !== identity.hall) {
    return {
      ok: false,
      message: {
        zh: `本机还有 ${pending} 条记录（可能含离线取号）未送达服务器，而服务器已为本机重新注册，无法接收这些记录。请联系大厅信息管理员，切勿清除本机数据。`,
        en: `This terminal still holds ${pending} record(s) the server has not received (offline tickets among them, perhaps), and the server re-enrolled it, so it cannot take them. Please call hall IT and do not clear this terminal's data.`,
      },
    };
  }
  const next: TerminalIdentity = { ...identity, token: r.token, ...(r.terminal.windowId ? { windowId: r.terminal.windowId } : {}) };
  await db.setIdentity(next);
  await db.setMeta('enrollCode', o.code!);
  // Its serverSeqs start again: the old checkpoints would skip the new server's log.
  await db.setMeta('checkpoint', {});
  return { ok: true, identity: next };
}

async function enroll(upstreams: string[], code: string, continueEpoch?: number): Promise<{ ok: true; response: ReturnType<typeof EnrollResponseSchema.parse> } | { ok: false; message: Bilingual }> {
  let last: Bilingual = UNREACHABLE;
  for (const base of upstreams) {
    let res: Response;
    try {
      res = await fetch(`${base}/api/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, ...(continueEpoch !== undefined ? { continueEpoch } : {}) }) });
    } catch {
      continue;
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) {
      const parsed = EnrollResponseSchema.safeParse(body);
      if (parsed.success) return { ok: true, response: parsed.data };
      return { ok: false, message: { zh: '服务器的注册应答格式有误。', en: 'The server answered the enrollment in an unexpected form.' } };
    }
    const err = ErrorBodySchema.safeParse(body);
    last = err.success
      ? { zh: `注册失败：${err.data.messageZh ?? err.data.message}`, en: `Enrollment failed: ${err.data.message}` }
      : { zh: `注册失败（${res.status}）。`, en: `Enrollment failed (${res.status}).` };
    if (res.status < 500) break;
  }
  return { ok: false, message: last };
}

const NOT_ENROLLED: Bilingual = {
  zh: '本机尚未注册。请在大厅管理中创建终端，取得一次性注册码后打开本机地址。',
  en: 'This terminal is not enrolled. Create it in hall admin and open this address with its one-time code.',
};
const UNREACHABLE: Bilingual = { zh: '无法连接服务器，不能完成注册，请检查网络。', en: 'The server cannot be reached to enroll. Please check the network.' };
const wrongRole = (is: string, page: string): Bilingual => ({
  zh: `此注册码属于${ROLE_NAMES[is]?.zh ?? is}，不能用于${ROLE_NAMES[page]?.zh ?? page}。`,
  en: `This terminal is enrolled as a ${ROLE_NAMES[is]?.en ?? is}, not a ${ROLE_NAMES[page]?.en ?? page}.`,
});
const wrongTerminal = (is: string, page: string): Bilingual => ({
  zh: `注册码属于终端 ${is}，不是 ${page}。`,
  en: `The code belongs to terminal ${is}, not ${page}.`,
});
