/**
 * Configuration changes as the admin authors them: each is checked first (the kind's zod schema,
 * then what the hall's other settings require), and only a change that passes becomes an event
 * (`config.changed`, `notice.published`, `notice.withdrawn`). A refused change stores nothing
 * and says why in both languages. Authoring is local: it works offline and syncs later.
 */
import { CONFIG_KINDS, IdSchema, type ConfigKind } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { PAYLOADS, type EventType, type PayloadInput } from '../../../shared/events/payloads';
import type { HallState } from '../../../shared/fold/state';
import { explainError } from './explain';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: Bilingual };

const refused = (zh: string, en: string): { ok: false; message: Bilingual } => ({ ok: false, message: { zh: `未保存：${zh}`, en: `Not saved: ${en}` } });

/** Check a configuration value for `kind`/`id` against its schema and the rest of the hall. */
export function checkConfig(s: HallState, kind: ConfigKind, id: string, value: unknown): Checked<unknown> {
  const idOk = IdSchema.safeParse(id);
  if (!idOk.success) return { ok: false, message: explainError(idOk.error, ['id']) };
  const parsed = CONFIG_KINDS[kind].safeParse(value);
  if (!parsed.success) return { ok: false, message: explainError(parsed.error) };
  const v = parsed.data as Record<string, unknown>;
  if ('id' in v && v.id !== id) return refused(`编号 ${String(v.id)} 与 ${id} 不一致`, `the ID ${String(v.id)} does not match ${id}`);
  const c = s.config;
  if (kind === 'service') {
    const prefix = v.prefix as string;
    for (const other of c.services.values()) {
      if (other.id !== id && other.prefix === prefix) return refused(`号头字母 ${prefix} 已被“${other.name.zh}”使用`, `the prefix ${prefix} is already used by "${other.name.en}"`);
    }
  }
  if (kind === 'window') {
    const services = (v.services as Array<{ serviceId: string }>).map((x) => x.serviceId);
    const unknown = services.filter((sid) => !c.services.has(sid));
    if (unknown.length) return refused(`没有这些业务：${unknown.join('、')}`, `no such services: ${unknown.join(', ')}`);
    const twice = services.filter((sid, i) => services.indexOf(sid) !== i);
    if (twice.length) return refused(`业务重复：${twice.join('、')}`, `services listed twice: ${twice.join(', ')}`);
    const label = v.label as string;
    for (const other of c.windows.values()) {
      if (other.id !== id && other.label === label) return refused(`窗口号 ${label} 已被窗口 ${other.id} 使用`, `window number ${label} is already used by window ${other.id}`);
    }
    if (Array.isArray(v.priorityServices)) {
      const outside = (v.priorityServices as string[]).filter((sid) => !services.includes(sid));
      if (outside.length) return refused(`优先业务须是本窗口办理的业务：${outside.join('、')}`, `priority services must be among the window's services: ${outside.join(', ')}`);
    }
  }
  if (kind === 'staff' && Array.isArray(v.windows)) {
    const unknown = (v.windows as string[]).filter((wid) => !c.windows.has(wid));
    if (unknown.length) return refused(`没有这些窗口：${unknown.join('、')}`, `no such windows: ${unknown.join(', ')}`);
  }
  return { ok: true, value: parsed.data };
}

/** Check that removing `kind`/`id` leaves the hall consistent. */
export function checkRemoval(s: HallState, kind: 'service' | 'window' | 'staff', id: string): Checked<null> {
  const c = s.config;
  if (kind === 'service') {
    const users = [...c.windows.values()].filter((w) => w.services.some((x) => x.serviceId === id)).map((w) => w.label);
    if (users.length) return { ok: false, message: { zh: `未删除：${users.join('、')} 号窗口仍在办理此业务，请先从窗口中去掉。`, en: `Not removed: window ${users.join(', ')} still serves it; take it off those windows first.` } };
  }
  if (kind === 'window') {
    const w = s.windows.get(id);
    if (w && w.state !== 'closed') return { ok: false, message: { zh: '未删除：此窗口正在服务，请先由工作人员退出。', en: 'Not removed: this window is in service; the clerk must sign out first.' } };
  }
  if (kind === 'staff') {
    const at = [...s.windows.values()].find((w) => w.staffId === id && w.state !== 'closed');
    if (at) return { ok: false, message: { zh: `未删除：该工作人员正在窗口 ${c.windows.get(at.id)?.label ?? at.id} 服务。`, en: `Not removed: this clerk is signed in at window ${c.windows.get(at.id)?.label ?? at.id}.` } };
  }
  return { ok: true, value: null };
}

export interface NoticeInput {
  noticeId: string;
  text: { zh: string; en: string };
  from?: number | undefined;
  to?: number | undefined;
}

export function checkNotice(n: NoticeInput): Checked<PayloadInput<'notice.published'>> {
  const input = { noticeId: n.noticeId, text: { zh: n.text.zh.trim(), en: n.text.en.trim() }, ...(n.from !== undefined ? { from: n.from } : {}), ...(n.to !== undefined ? { to: n.to } : {}) };
  const parsed = PAYLOADS['notice.published'].safeParse(input);
  if (!parsed.success) return { ok: false, message: explainError(parsed.error) };
  if (n.from !== undefined && n.to !== undefined && n.to <= n.from) return refused('结束时间须晚于开始时间', 'the end must be after the start');
  return { ok: true, value: input };
}

/** What authoring needs from the terminal's local log. */
export interface Author {
  readonly state: HallState;
  author<T extends EventType>(type: T, payload: PayloadInput<T>): Promise<unknown>;
}

export type Saved = { ok: true } | { ok: false; message: Bilingual };

async function write<T extends EventType>(local: Author, type: T, payload: PayloadInput<T>): Promise<Saved> {
  try {
    await local.author(type, payload);
    return { ok: true };
  } catch (e) {
    // The local log refuses what this terminal may not write, or a payload that does not parse.
    const err = e as { messageZh?: string; message?: string };
    return { ok: false, message: { zh: `未保存：${err.messageZh ?? err.message ?? String(e)}`, en: `Not saved: ${err.message ?? String(e)}` } };
  }
}

export async function saveConfig(local: Author, kind: ConfigKind, id: string, value: unknown): Promise<Saved> {
  const checked = checkConfig(local.state, kind, id, value);
  if (!checked.ok) return checked;
  return write(local, 'config.changed', { kind, id, value: checked.value });
}

export async function removeConfig(local: Author, kind: 'service' | 'window' | 'staff', id: string): Promise<Saved> {
  const checked = checkRemoval(local.state, kind, id);
  if (!checked.ok) return checked;
  return write(local, 'config.changed', { kind, id, value: null });
}

export async function publishNotice(local: Author, n: NoticeInput): Promise<Saved> {
  const checked = checkNotice(n);
  if (!checked.ok) return checked;
  return write(local, 'notice.published', checked.value);
}

export async function withdrawNotice(local: Author, noticeId: string): Promise<Saved> {
  if (!local.state.notices.has(noticeId)) return refused('该公告已撤下', 'this notice was already withdrawn');
  return write(local, 'notice.withdrawn', { noticeId });
}
