/**
 * The shell's IPC, main side (the contract: shared/shell/contract.ts). Every call's sender is
 * checked first: only the setup page's top frame uses the shell, and saving the setup only from
 * the setup screen itself, not the exit dialog. Every payload is then checked (a plain object of
 * modest size, no unknown or prototype keys) and validated with the shared schema; a bad one
 * comes back as a bilingual refusal naming the field, and the handler is never called.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import { ExitRequestSchema, SHELL_IPC, SetupInputSchema, type ExitRequest, type SetupInput, type ShellInfo, type ShellResult } from '../../../shared/shell/contract';
import { appSenderUrl } from '../security/senders';

export { SHELL_IPC };
export type ShellChannel = (typeof SHELL_IPC)[keyof typeof SHELL_IPC];

export interface ShellHandlers {
  info(): ShellInfo;
  saveSetup(input: SetupInput): Promise<ShellResult>;
  exit(req: ExitRequest): Promise<ShellResult>;
  cancelExit(): void;
}

export type ShellSenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;
export type ShellSenderCheck = (event: ShellSenderEvent, channel: ShellChannel) => boolean;

/** A setup is a few short strings: anything much bigger is not from our page. */
export const MAX_SHELL_PAYLOAD_CHARS = 16 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const SETUP_REFUSED: Bilingual = { zh: '设置内容有误，未保存', en: 'The settings are not valid and were not saved' };
const EXIT_REFUSED: Bilingual = { zh: '请输入管理密码', en: 'Please enter the admin password' };

/**
 * The default sender rule: the top frame of app://hallq/setup/; saving the setup only from the
 * setup screen (no `mode`), the rest from the setup screen or the exit dialog (`?mode=exit`).
 */
export function shellSenderCheck(event: ShellSenderEvent, channel: ShellChannel): boolean {
  const url = appSenderUrl(event);
  if (!url || url.page !== 'setup' || (url.rest !== '' && url.rest !== 'index.html')) return false;
  if (channel === SHELL_IPC.saveSetup) return !url.query.has('mode');
  return true;
}

export function registerShellIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: ShellHandlers, isAllowedSender: ShellSenderCheck = shellSenderCheck): () => void {
  const guard = (event: ShellSenderEvent, channel: ShellChannel) => {
    if (!isAllowedSender(event, channel)) throw new Error('shell: this page may not use the shell');
  };

  ipcMain.handle(SHELL_IPC.info, (event) => {
    guard(event, SHELL_IPC.info);
    return handlers.info();
  });
  ipcMain.handle(SHELL_IPC.saveSetup, async (event, payload: unknown): Promise<ShellResult> => {
    guard(event, SHELL_IPC.saveSetup);
    const input = checkPayload(payload, SetupInputSchema, Object.keys(SetupInputSchema.shape), SETUP_REFUSED);
    if (!input.ok) return input.refusal;
    return failSoftly(() => handlers.saveSetup(input.data), { zh: '保存设置失败', en: 'Saving the settings failed' });
  });
  ipcMain.handle(SHELL_IPC.exit, async (event, payload: unknown): Promise<ShellResult> => {
    guard(event, SHELL_IPC.exit);
    const req = checkPayload(payload, ExitRequestSchema, Object.keys(ExitRequestSchema.shape), EXIT_REFUSED);
    if (!req.ok) return req.refusal;
    return failSoftly(() => handlers.exit(req.data), { zh: '操作失败', en: 'That did not work' });
  });
  ipcMain.handle(SHELL_IPC.cancelExit, (event) => {
    guard(event, SHELL_IPC.cancelExit);
    handlers.cancelExit();
  });

  return () => {
    for (const channel of Object.values(SHELL_IPC)) ipcMain.removeHandler(channel);
  };
}

type Checked<T> = { ok: true; data: T } | { ok: false; refusal: ShellResult };

/** Shape checks zod does not do (size, unknown and prototype keys), then the schema. */
function checkPayload<T>(payload: unknown, schema: z.ZodType<T>, keys: readonly string[], what: Bilingual): Checked<T> {
  if (!isPlainObject(payload)) return refuse(what, undefined, 'not an object');
  let size: number;
  try {
    size = JSON.stringify(payload).length;
  } catch {
    return refuse(what, undefined, 'not plain data');
  }
  if (size > MAX_SHELL_PAYLOAD_CHARS) return refuse(what, undefined, 'too large');
  const forbidden = forbiddenKey(payload, 0);
  if (forbidden !== undefined) return refuse(what, forbidden, 'not allowed');
  const unknown = Object.keys(payload).find((k) => !keys.includes(k));
  if (unknown !== undefined) return refuse(what, unknown, 'unknown field');
  const r = schema.safeParse(payload);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  const field = issue && issue.path.length > 0 ? String(issue.path[0]) : undefined;
  return refuse(what, field, issue?.message ?? 'invalid input');
}

function refuse(what: Bilingual, field: string | undefined, detail: string): { ok: false; refusal: ShellResult } {
  return {
    ok: false,
    refusal: {
      ok: false,
      message: { zh: `${what.zh}（${field ?? '输入'}）`, en: `${what.en} (${field !== undefined ? `${field}: ` : ''}${detail})` },
      ...(field !== undefined ? { field } : {}),
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function forbiddenKey(v: unknown, depth: number): string | undefined {
  if (typeof v !== 'object' || v === null || depth > 8) return undefined;
  for (const key of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const inner = forbiddenKey((v as Record<string, unknown>)[key], depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** A handler that throws (disk full, say) is a refusal on screen, not an unexplained failure. */
async function failSoftly(run: () => Promise<ShellResult>, what: Bilingual): Promise<ShellResult> {
  try {
    return await run();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, message: { zh: `${what.zh}：${why}`, en: `${what.en}: ${why}` } };
  }
}
