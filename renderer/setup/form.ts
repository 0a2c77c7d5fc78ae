/**
 * The setup form's fields → the shell's SetupInput (shared/shell/contract), with an error per
 * field in both languages for the person at the screen. Pure: no DOM, no window.hallq. The
 * shared SetupInputSchema has the last word; the checks here only make its refusals readable.
 */
import type { Bilingual } from '../../shared/config/text';
import {
  ROLES,
  ServerUrlSchema,
  SetupInputSchema,
  TerminalIdSchema,
  WindowIdSchema,
  type ExitRequest,
  type SetupInput,
  type ShellInfo,
  type ShellResult,
  type ShellRole,
} from '../../shared/shell/contract';

/** What the preload exposes as `window.hallq.shell` (electron/preload/shell.ts). */
export interface ShellApi {
  info(): Promise<ShellInfo>;
  saveSetup(input: SetupInput): Promise<ShellResult>;
  exit(req: ExitRequest): Promise<ShellResult>;
  cancelExit(): Promise<void>;
}

/** The form as typed: every field a string (servers one per line). */
export interface SetupFields {
  terminalId: string;
  /** '' until chosen. */
  role: string;
  windowId: string;
  servers: string;
  enrollCode: string;
  adminPassword: string;
  adminPassword2: string;
  /** Counter only, optional: the evaluator terminal on the second screen (both or neither). */
  evaluatorId: string;
  evaluatorCode: string;
}
export type SetupField = keyof SetupFields;
export const SETUP_FIELDS: readonly SetupField[] = ['terminalId', 'role', 'windowId', 'servers', 'enrollCode', 'adminPassword', 'adminPassword2', 'evaluatorId', 'evaluatorCode'];
export type FieldErrors = Partial<Record<SetupField, Bilingual>>;
export type FormResult = { ok: true; input: SetupInput } | { ok: false; errors: FieldErrors };

export const EMPTY_FIELDS: SetupFields = { terminalId: '', role: '', windowId: '', servers: '', enrollCode: '', adminPassword: '', adminPassword2: '', evaluatorId: '', evaluatorCode: '' };

export const ROLE_LABELS: Record<ShellRole, Bilingual> = {
  kiosk: { zh: '取号机', en: 'Kiosk' },
  counter: { zh: '窗口', en: 'Counter' },
  evaluator: { zh: '评价器', en: 'Evaluator' },
  display: { zh: '大屏', en: 'Display' },
  admin: { zh: '管理', en: 'Admin' },
};

export const MAX_SERVERS = 4;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const isRole = (r: string): r is ShellRole => (ROLES as readonly string[]).includes(r);
/** Counter and evaluator terminals belong to one window. */
export const needsWindow = (role: string): boolean => role === 'counter' || role === 'evaluator';

/** The servers box: one address a line, trimmed, empty lines dropped (with each line's number). */
export function serverLines(text: string): { line: number; url: string }[] {
  return text
    .split(/\r?\n/)
    .map((s, i) => ({ line: i + 1, url: s.trim() }))
    .filter((l) => l.url !== '');
}

const M = {
  terminalIdEmpty: { zh: '请填写终端编号', en: 'Enter the terminal ID' },
  terminalIdBad: {
    zh: '终端编号只能包含小写字母、数字和“-”，以字母或数字开头，不超过 40 个字符',
    en: 'Use lowercase letters, digits and "-", starting with a letter or digit, at most 40 characters',
  },
  roleEmpty: { zh: '请选择本机的用途', en: 'Choose what this terminal is for' },
  windowEmpty: { zh: '窗口和评价器必须填写所属窗口的编号', en: 'A counter or evaluator needs the ID of its window' },
  windowBad: { zh: '窗口编号只能包含字母、数字、“_”和“-”，例如 w1', en: 'Use letters, digits, "_" and "-", such as w1' },
  serversEmpty: { zh: '请至少填写一个服务器地址', en: 'Enter at least one server address' },
  codeEmpty: { zh: '请填写一次性注册码', en: 'Enter the one-time code' },
  codeBad: { zh: '注册码为 6 到 64 个字符，请对照管理端的终端列表', en: "The code has 6 to 64 characters: check the admin's terminal list" },
  passwordShort: { zh: `管理密码至少 ${PASSWORD_MIN} 个字符`, en: `The admin password needs at least ${PASSWORD_MIN} characters` },
  passwordLong: { zh: `管理密码不能超过 ${PASSWORD_MAX} 个字符`, en: `The admin password may have at most ${PASSWORD_MAX} characters` },
  passwordMismatch: { zh: '两次输入的密码不一致', en: 'The two passwords do not match' },
  evaluatorHalf: { zh: '评价器的终端编号和注册码要一起填写（没有副屏评价器则都不填）', en: "Give the evaluator's terminal ID and code together (or neither, without a second screen)" },
  evaluatorSame: { zh: '评价器是另一台终端，编号不能与本机相同', en: 'The evaluator is a terminal of its own: use another ID' },
} satisfies Record<string, Bilingual>;

function serversError(text: string): { urls: string[]; error?: Bilingual } {
  const lines = serverLines(text);
  const urls = lines.map((l) => l.url);
  if (lines.length === 0) return { urls, error: M.serversEmpty };
  if (lines.length > MAX_SERVERS) {
    return { urls, error: { zh: `最多填写 ${MAX_SERVERS} 个服务器地址（现有 ${lines.length} 个）`, en: `At most ${MAX_SERVERS} server addresses (${lines.length} entered)` } };
  }
  for (const [i, l] of lines.entries()) {
    if (!ServerUrlSchema.safeParse(l.url).success) {
      return {
        urls,
        error: {
          zh: `第 ${l.line} 行“${l.url}”不是服务器地址，应类似 http://hub.hall.local:8080（不带路径）`,
          en: `Line ${l.line} ("${l.url}") is not a server address: use one such as http://hub.hall.local:8080 (no path)`,
        },
      };
    }
    if (urls.indexOf(l.url) < i) return { urls, error: { zh: `第 ${l.line} 行与上面的地址重复`, en: `Line ${l.line} repeats an address above` } };
  }
  return { urls };
}

/** The form → SetupInput, or an error for each field that is wrong. */
export function parseSetupForm(f: SetupFields): FormResult {
  const errors: FieldErrors = {};
  const terminalId = f.terminalId.trim().toLowerCase();
  if (terminalId === '') errors.terminalId = M.terminalIdEmpty;
  else if (!TerminalIdSchema.safeParse(terminalId).success) errors.terminalId = M.terminalIdBad;

  const role = f.role.trim();
  if (!isRole(role)) errors.role = M.roleEmpty;

  const windowId = f.windowId.trim();
  if (needsWindow(role)) {
    if (windowId === '') errors.windowId = M.windowEmpty;
    else if (!WindowIdSchema.safeParse(windowId).success) errors.windowId = M.windowBad;
  }

  const servers = serversError(f.servers);
  if (servers.error) errors.servers = servers.error;

  // Codes may be shown in groups ("ABCD EFGH"): spaces are never part of one.
  const enrollCode = f.enrollCode.replace(/\s+/g, '');
  if (enrollCode === '') errors.enrollCode = M.codeEmpty;
  else if (enrollCode.length < 6 || enrollCode.length > 64) errors.enrollCode = M.codeBad;

  // Passwords are taken as typed (no trimming).
  if (f.adminPassword.length < PASSWORD_MIN) errors.adminPassword = M.passwordShort;
  else if (f.adminPassword.length > PASSWORD_MAX) errors.adminPassword = M.passwordLong;
  else if (f.adminPassword !== f.adminPassword2) errors.adminPassword2 = M.passwordMismatch;

  // The evaluator on a counter's second screen: its own terminal, so its own id and code.
  const evaluatorId = f.evaluatorId.trim().toLowerCase();
  const evaluatorCode = f.evaluatorCode.replace(/\s+/g, '');
  const withEvaluator = role === 'counter' && (evaluatorId !== '' || evaluatorCode !== '');
  if (withEvaluator) {
    if (evaluatorId === '' || evaluatorCode === '') errors[evaluatorId === '' ? 'evaluatorId' : 'evaluatorCode'] = M.evaluatorHalf;
    else if (!TerminalIdSchema.safeParse(evaluatorId).success) errors.evaluatorId = M.terminalIdBad;
    else if (evaluatorId === terminalId) errors.evaluatorId = M.evaluatorSame;
    else if (evaluatorCode.length < 6 || evaluatorCode.length > 64) errors.evaluatorCode = M.codeBad;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const candidate = {
    terminalId,
    role,
    ...(needsWindow(role) ? { windowId } : {}),
    servers: servers.urls,
    enrollCode,
    adminPassword: f.adminPassword,
    ...(withEvaluator ? { evaluator: { terminalId: evaluatorId, enrollCode: evaluatorCode } } : {}),
  };
  const parsed = SetupInputSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data };
  // Only if the shared schema is stricter than the checks above: name the field, say what it said.
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path.length > 0 ? String(issue.path[0]) : undefined) ?? 'terminalId';
    errors[field] ??= { zh: `此项有误（${issue.message}）`, en: `Not valid: ${issue.message}` };
  }
  return { ok: false, errors };
}

/** The form field a refusal from main names ("servers.1" → servers), if it is one of ours. */
export function fieldOf(path: string | undefined): SetupField | undefined {
  if (path === 'evaluator.enrollCode') return 'evaluatorCode';
  if (path?.startsWith('evaluator')) return 'evaluatorId';
  const head = path?.split('.')[0];
  return head !== undefined && (SETUP_FIELDS as readonly string[]).includes(head) ? (head as SetupField) : undefined;
}
