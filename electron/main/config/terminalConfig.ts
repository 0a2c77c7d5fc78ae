/**
 * The terminal's own configuration file (terminal.json in the app's user data folder, or
 * HALLQ_CONFIG): which terminal this install is, its role, its servers, the hash of the exit
 * password, and the site settings hall IT may edit by hand (devices, lockdown, updates, logs).
 * The setup screen writes it; every start reads and validates it. A bad field is named in both
 * languages, and a save is atomic: a crash or an invalid config never replaces a good file.
 */
import * as nodeFs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import { RoleSchema, ServerUrlSchema, TerminalIdSchema, WindowIdSchema, type SetupInput } from '../../../shared/shell/contract';
import { DevicesConfigSchema } from '../../devices/config';
import { UpdateFeedUrlSchema } from '../update/updater';

/** The `hashPin` format (shared/identity/pin.ts): a plain password typed into the file is refused. */
const PasswordHashSchema = z.string().regex(/^pbkdf2-sha256\$\d{1,7}\$[0-9a-f]{16,64}\$[0-9a-f]{64}$/, 'a password hash written by the setup screen (pbkdf2-sha256$...)');
const MiB = 1024 * 1024;

// `.strict()` everywhere: a typo in a hand-edited file ("lockdwon": false) is named, not ignored.
const UpdateSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The update feed (electron-updater "generic" provider), e.g. the hall server: https only. */
    url: UpdateFeedUrlSchema.optional(),
    channel: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a channel name such as latest')
      .default('latest'),
    checkHours: z.number().min(1).max(24 * 7).default(6),
  })
  .strict()
  .refine((u) => !u.enabled || u.url !== undefined, { message: 'url required when enabled', path: ['url'] });

export const TerminalConfigSchema = z
  .object({
    terminalId: TerminalIdSchema,
    role: RoleSchema,
    windowId: WindowIdSchema.optional(),
    /** Hub first, then central. */
    servers: z.array(ServerUrlSchema).min(1).max(4),
    /** The one-time code the page enrolls with (spent after the first start). */
    enrollCode: z.string().min(6).max(64).optional(),
    adminPasswordHash: PasswordHashSchema,
    /** Counter only: the evaluator terminal shown on the second screen (its own identity, R8). */
    evaluator: z.object({ terminalId: TerminalIdSchema, enrollCode: z.string().min(6).max(64).optional() }).strict().optional(),
    devices: DevicesConfigSchema.optional(),
    /** The hall's key for ID-number hashes (R21), from hall IT; needed with a card reader. */
    hallKey: z.string().min(16).max(256).optional(),
    kiosk: z
      .object({ hideCursor: z.boolean().default(true) })
      .strict()
      .prefault({}),
    display: z
      .object({ sound: z.boolean().default(false) })
      .strict()
      .prefault({}),
    /** Production lockdown: kiosk mode, no devtools, reload or zoom. Off only on a test bench. */
    lockdown: z.boolean().default(true),
    autostart: z.boolean().default(true),
    update: UpdateSchema.prefault({}),
    log: z
      .object({
        maxBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .max(1024 * MiB)
          .default(5 * MiB),
        files: z.number().int().min(1).max(50).default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => (c.role !== 'counter' && c.role !== 'evaluator') || c.windowId !== undefined, { message: 'a counter or evaluator needs its window', path: ['windowId'] })
  .refine((c) => c.evaluator === undefined || c.role === 'counter', { message: 'only a counter drives an evaluator screen', path: ['evaluator'] })
  .refine((c) => c.devices?.cardReader === undefined || c.hallKey !== undefined, { message: "a card reader needs the hall's key (hallKey) to hash ID numbers", path: ['hallKey'] });

/** The validated configuration (defaults filled in). */
export type TerminalConfig = z.output<typeof TerminalConfigSchema>;
/** What may be written to the file (defaults may be left out). */
export type TerminalConfigInput = z.input<typeof TerminalConfigSchema>;

export type ParseResult = { ok: true; config: TerminalConfig } | { ok: false; message: Bilingual };
/** `refused`: a part of the file left out rather than stopping the terminal (to be logged). */
export type LoadResult = { ok: true; config: TerminalConfig; refused?: Bilingual } | { ok: false; missing: true } | { ok: false; missing: false; message: Bilingual };

/** The parts of node:fs/promises used here (tests pass a wrapper that fails on cue). */
export interface ConfigFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  open(path: string, flags: 'w', mode?: number): Promise<{ writeFile(data: string, encoding: 'utf8'): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rm(path: string, options: { force: true }): Promise<void>;
}

export function parseTerminalConfig(raw: unknown): ParseResult {
  const r = TerminalConfigSchema.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  const fields = [...new Set(r.error.issues.flatMap(fieldsOf))].join(', ');
  const detail = r.error.issues.map((i) => `${fieldsOf(i).join(', ')}: ${i.message}`).join('; ');
  return {
    ok: false,
    message: bilingual(`本机配置文件有误（${fields}），请重新运行设置或联系大厅信息管理员。`, `The terminal configuration is not valid (${detail}). Run the setup again or call hall IT.`),
  };
}

export async function loadTerminalConfig(path: string, fs: Pick<ConfigFs, 'readFile'> = nodeFs): Promise<LoadResult> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    const why = (err as Error).message;
    return { ok: false, missing: false, message: bilingual(`无法读取本机配置文件 ${path}：${why}`, `Cannot read the terminal configuration ${path}: ${why}`) };
  }
  let json: unknown;
  try {
    // Notepad on older Windows saves UTF-8 with a byte order mark.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const why = (err as Error).message;
    return {
      ok: false,
      missing: false,
      message: bilingual(`本机配置文件 ${path} 不是有效的 JSON（${why}），请重新运行设置或联系大厅信息管理员。`, `The terminal configuration ${path} is not valid JSON (${why}). Run the setup again or call hall IT.`),
    };
  }
  const parsed = parseTerminalConfig(json);
  if (parsed.ok) return parsed;
  // An update feed over plain http (allowed before issue 15, and how this version itself may
  // have arrived) is refused, but the terminal keeps serving the hall: updates go off and the
  // log says why, rather than the whole file being refused and the setup screen opening.
  const withoutFeed = withoutRefusedUpdateFeed(json);
  if (withoutFeed) {
    const again = parseTerminalConfig(withoutFeed);
    if (again.ok) {
      return {
        ...again,
        refused: bilingual(
          `${path}：update.url 不是 https:// 地址，已拒绝，自动更新已关闭（http 上任何人都能冒充更新服务器）。请大厅信息管理员改为 https 地址。`,
          `${path}: update.url is not an https:// address: refused, updates are off (over http anyone on the hall LAN could serve a fake update). Hall IT: set an https address.`,
        ),
      };
    }
  }
  return { ok: false, missing: false, message: bilingual(`${path}：${parsed.message.zh}`, `${path}: ${parsed.message.en}`) };
}

/** The file with its update feed dropped and updates off, if the feed is what the schema refuses. */
function withoutRefusedUpdateFeed(json: unknown): Record<string, unknown> | null {
  if (typeof json !== 'object' || json === null) return null;
  const update = (json as Record<string, unknown>).update;
  if (typeof update !== 'object' || update === null) return null;
  const url = (update as Record<string, unknown>).url;
  if (url === undefined || UpdateFeedUrlSchema.safeParse(url).success) return null;
  const { url: _refused, ...rest } = update as Record<string, unknown>;
  return { ...(json as Record<string, unknown>), update: { ...rest, enabled: false } };
}

/**
 * Validate, then write `<path>.tmp`, flush it to disk and rename it over the file: a power cut
 * (halls switch off at the breaker) leaves either the old file or the new one, never half of one.
 * Returns the validated config (defaults filled in).
 */
export async function saveTerminalConfig(path: string, config: TerminalConfigInput, fs: ConfigFs = nodeFs): Promise<TerminalConfig> {
  const parsed = parseTerminalConfig(config);
  if (!parsed.ok) throw new Error(parsed.message.en);
  const tmp = `${path}.tmp`;
  await fs.mkdir(dirname(path), { recursive: true });
  try {
    // 0o600: the file holds the exit password's hash and the enrollment code. The mode applies
    // only when the file is created, so a leftover from an earlier crash goes first.
    await fs.rm(tmp, { force: true });
    const file = await fs.open(tmp, 'w', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(parsed.config, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  return parsed.config;
}

/**
 * The configuration the setup screen produces. Re-running setup keeps the site settings of the
 * previous file (devices, updates, logs, cursor, sound); lockdown and autostart go back to on.
 */
export function configFromSetup(input: SetupInput, passwordHash: string, previous?: TerminalConfig): TerminalConfig {
  return TerminalConfigSchema.parse({
    terminalId: input.terminalId,
    role: input.role,
    ...(input.windowId !== undefined ? { windowId: input.windowId } : {}),
    servers: input.servers,
    enrollCode: input.enrollCode,
    adminPasswordHash: passwordHash,
    ...(input.evaluator ? { evaluator: input.evaluator } : {}),
    ...(previous?.devices !== undefined ? { devices: previous.devices } : {}),
    ...(previous?.hallKey !== undefined ? { hallKey: previous.hallKey } : {}),
    ...(previous ? { kiosk: previous.kiosk, display: previous.display, update: previous.update, log: previous.log } : {}),
  } satisfies TerminalConfigInput);
}

/** HALLQ_CONFIG (one machine, several test installs) or `<userData>/terminal.json`. */
export function configPath(userDataDir: string, env: Readonly<Record<string, string | undefined>>): string {
  const override = env.HALLQ_CONFIG?.trim();
  return override ? override : join(userDataDir, 'terminal.json');
}

/** Within the 500 characters a Bilingual may have (a file with many mistakes says so, briefly). */
function bilingual(zh: string, en: string): Bilingual {
  const clip = (s: string) => (s.length <= 500 ? s : `${s.slice(0, 499)}…`);
  return { zh: clip(zh), en: clip(en) };
}

/** The dotted field names of an issue; zod reports unknown keys on their parent, so add them. */
function fieldsOf(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String);
  if ('keys' in issue && Array.isArray(issue.keys)) return issue.keys.map((k) => [...path, String(k)].join('.'));
  return [path.join('.') || '(root)'];
}
