/**
 * Input at the door: what every event must satisfy before anyone stores it, beyond its
 * schema. Checked by the server on every push (server/store/events.ts) and by a terminal
 * before it authors (authorEvent), so a terminal never queues an event the server would refuse.
 *
 * These checks are deliberately not part of `parseEvent`: that one also reads events already
 * stored (pulled pages, the local log), and an old stored event must still fold the same in
 * every replica. The door is for new events only.
 *
 *   - text: no NUL, no lone surrogate, no control character (C0, DEL, C1) and no bidi override,
 *     in any string of the payload or of a configuration value (keys included); newline and
 *     tab only in the few free-text fields a person writes several lines in;
 *   - depth: a payload nests at most MAX_DEPTH levels (a 20,000-deep object is refused before
 *     anything recurses into it);
 *   - masked personal data: `person.idMasked` and `person.nameMasked` must be what the device
 *     side's masking produces (shared/identity/mask.ts): a full ID number or name is refused;
 *   - dates: every `day`/`deadline` is a real calendar date;
 *   - configuration values: parsed against their kind's schema; the stored value is the parsed
 *     one (unknown keys dropped, defaults filled), see `admitConfigValue`.
 */
import { CONFIG_KINDS } from '../config/schemas';
import { maskIdNumber, maskName } from '../identity/mask';
import { isValidDate } from '../schedule/zone';
import { formatIssues } from './envelope';

/** Deepest nesting a payload may have (the deepest real one, a schedule, is 6). */
export const MAX_DEPTH = 32;

export interface DoorRefusal {
  code: 'bad-text' | 'too-deep' | 'not-masked' | 'bad-date' | 'bad-config';
  /** The field, as a dotted path from the event (`payload.person.nameMasked`). */
  field: string;
  message: string;
  messageZh: string;
}

/** Free text a person writes over several lines: newline and tab allowed there, nowhere else. */
const MULTILINE_FIELDS = new Set(['note', 'comment', 'problem', 'cause', 'duties', 'commitment']);
/** Bilingual notice text is multiline too (payload.text.zh / .en, value.text.*). */
const MULTILINE_PARENTS = new Set(['text']);

// Lone surrogates: in a /u regex a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** Why a string is refused, or undefined when it is fine. */
export function badText(s: string, multiline: boolean): string | undefined {
  if (s.includes('\u0000')) return 'contains NUL';
  if (LONE_SURROGATE.test(s)) return 'contains a lone surrogate (not valid UTF-16 text)';
  const m = (multiline ? CONTROL_EXCEPT_LINES : CONTROL).exec(s);
  if (m) return `contains the control character U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return undefined;
}

/** True when `value` nests deeper than `max` (arrays and objects count). Never recurses deeper. */
export function tooDeep(value: unknown, max = MAX_DEPTH): boolean {
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return false;
    if (depth >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) if (walk(x, depth + 1)) return true;
    return false;
  };
  return walk(value, 0);
}

function walkText(v: unknown, path: string[], out: { refusal?: DoorRefusal }): void {
  if (out.refusal) return;
  if (typeof v === 'string') {
    const last = path[path.length - 1] ?? '';
    const parent = path[path.length - 2] ?? '';
    const why = badText(v, MULTILINE_FIELDS.has(last) || MULTILINE_PARENTS.has(parent));
    if (why) out.refusal = textRefusal(path.join('.'), why);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => walkText(x, [...path, String(i)], out));
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const why = badText(k, false);
    if (why) {
      out.refusal = textRefusal([...path, JSON.stringify(k).slice(0, 40)].join('.'), `a key ${why}`);
      return;
    }
    walkText(x, [...path, k], out);
  }
}

function textRefusal(field: string, why: string): DoorRefusal {
  return { code: 'bad-text', field, message: `${field} ${why}`, messageZh: `字段 ${field} 含有不允许的字符（空字符、控制字符或无效编码）` };
}

/** The first string anywhere in `value` (keys included) that is not clean text. */
export function checkText(value: unknown, path: string[]): DoorRefusal | undefined {
  const out: { refusal?: DoorRefusal } = {};
  walkText(value, path, out);
  return out.refusal;
}

/** A masked form is what masking makes of it: masking it again changes nothing. */
export function isMaskedId(s: string): boolean {
  return maskIdNumber(s) === s;
}
export function isMaskedName(s: string): boolean {
  return maskName(s) === s;
}

function checkPerson(p: unknown, path: string): DoorRefusal | undefined {
  if (!p || typeof p !== 'object') return undefined;
  const { idMasked, nameMasked } = p as { idMasked?: unknown; nameMasked?: unknown };
  if (typeof idMasked === 'string' && !isMaskedId(idMasked)) {
    return { code: 'not-masked', field: `${path}.idMasked`, message: `${path}.idMasked is not a masked ID number (expected e.g. 110***********1234)`, messageZh: '证件号码必须脱敏后提交' };
  }
  if (typeof nameMasked === 'string' && !isMaskedName(nameMasked)) {
    return { code: 'not-masked', field: `${path}.nameMasked`, message: `${path}.nameMasked is not a masked name (expected e.g. 张*)`, messageZh: '姓名必须脱敏后提交' };
  }
  return undefined;
}

const DATE_FIELDS = ['day', 'deadline'] as const;

/**
 * Check an event's payload (already parsed against its schema) at the door. `raw` is the payload
 * as it arrived (for the depth bound and for configuration values, which the schema leaves raw).
 */
export function checkAtDoor(type: string, payload: unknown, raw: unknown = payload): DoorRefusal | undefined {
  if (tooDeep(raw)) return { code: 'too-deep', field: 'payload', message: `payload nests deeper than ${MAX_DEPTH} levels`, messageZh: '事件内容嵌套过深' };
  const text = checkText(payload, ['payload']);
  if (text) return text;
  const p = (payload ?? {}) as Record<string, unknown>;
  const person = checkPerson(p.person, 'payload.person');
  if (person) return person;
  for (const f of DATE_FIELDS) {
    const d = p[f];
    if (typeof d === 'string' && !isValidDate(d)) return { code: 'bad-date', field: `payload.${f}`, message: `payload.${f} ${JSON.stringify(d)} is not a real date`, messageZh: '日期不存在' };
  }
  return undefined;
}

export type ConfigAdmission = { ok: true; value: unknown } | { ok: false; refusal: DoorRefusal };

/**
 * A configuration value as it is stored: parsed against its kind's schema (unknown keys
 * dropped, defaults filled), its text clean and its id the key's. `null` (removal) passes.
 */
export function admitConfigValue(kind: string, id: string, value: unknown): ConfigAdmission {
  if (value === null) return { ok: true, value: null };
  const bad = (message: string, messageZh: string): ConfigAdmission => ({ ok: false, refusal: { code: 'bad-config', field: 'payload.value', message, messageZh } });
  if (tooDeep(value)) return { ok: false, refusal: { code: 'too-deep', field: 'payload.value', message: `${kind}/${id}: value nests deeper than ${MAX_DEPTH} levels`, messageZh: '配置内容嵌套过深' } };
  const schema = CONFIG_KINDS[kind as keyof typeof CONFIG_KINDS];
  if (!schema) return bad(`unknown configuration kind ${kind}`, '未知的配置类型');
  const r = schema.safeParse(value);
  if (!r.success) return bad(`${kind}/${id}: ${formatIssues(r.error, 'value')}`, '配置内容不正确');
  const v = r.data as { id?: unknown };
  if (v.id !== undefined && v.id !== id) return bad(`${kind}/${id}: value.id is ${String(v.id)}`, '配置编号不一致');
  const text = checkText(r.data, ['payload', 'value']);
  if (text) return { ok: false, refusal: text };
  return { ok: true, value: r.data };
}

/**
 * A refused event as it may be kept for the record (PostgreSQL's text and jsonb hold no NUL and
 * no lone surrogate): every such character, and every control character, replaced by U+FFFD;
 * nesting past MAX_DEPTH cut off. Never used for an event that is stored as an event.
 */
export function storable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '(nested too deep)';
  if (Array.isArray(value)) return value.map((x) => storable(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value as Record<string, unknown>)) out[cleanText(k)] = storable(x, depth + 1);
  return out;
}

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDFFF]/gu;

/** Text with NUL, lone surrogates and control characters (but newline and tab) replaced. */
export function cleanText(s: string): string {
  return s.replace(UNSTORABLE, '\uFFFD');
}
