/**
 * The shell's IPC contract, renderer side: what the preload exposes to the setup page and the
 * exit dialog (`window.hallq.shell`). Input is checked with the shared schemas before it is sent;
 * bad input comes back as a refusal the page can show (bilingual), never as a thrown error.
 * Main validates everything again: this check is for the person at the screen, not security.
 */
import type { IpcRenderer } from 'electron';
import type { z } from 'zod';
import type { Bilingual } from '../../shared/config/text';
import { ExitRequestSchema, SHELL_IPC, SetupInputSchema, type ExitRequest, type SetupInput, type ShellInfo, type ShellResult } from '../../shared/shell/contract';

export interface ShellBridge {
  info(): Promise<ShellInfo>;
  saveSetup(input: SetupInput): Promise<ShellResult>;
  exit(req: ExitRequest): Promise<ShellResult>;
  cancelExit(): Promise<void>;
}

/** The fields' names as the setup screen and the exit dialog show them in Chinese. */
const FIELD_ZH: Record<string, string> = {
  terminalId: '终端编号',
  role: '用途',
  windowId: '窗口编号',
  servers: '服务器地址',
  enrollCode: '一次性注册码',
  adminPassword: '管理密码',
  password: '管理密码',
  action: '操作',
};

/** A refusal naming the first field that is wrong. */
function refusal(error: z.ZodError, what: Bilingual): ShellResult {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? String(issue.path[0]) : undefined;
  const detail = issue ? `${field ?? 'input'}: ${issue.message}` : 'invalid input';
  return {
    ok: false,
    message: { zh: `${what.zh}（${field !== undefined ? (FIELD_ZH[field] ?? field) : '输入有误'}）`, en: `${what.en} (${detail})` },
    ...(field !== undefined ? { field } : {}),
  };
}

export function shellBridge(ipc: Pick<IpcRenderer, 'invoke'>): ShellBridge {
  return {
    info: () => ipc.invoke(SHELL_IPC.info) as Promise<ShellInfo>,
    async saveSetup(input) {
      const r = SetupInputSchema.safeParse(input);
      if (!r.success) return refusal(r.error, { zh: '设置内容有误，未保存', en: 'The settings are not valid and were not saved' });
      return (await ipc.invoke(SHELL_IPC.saveSetup, r.data)) as ShellResult;
    },
    async exit(req) {
      const r = ExitRequestSchema.safeParse(req);
      if (!r.success) return refusal(r.error, { zh: '请求有误，请输入管理密码后再试', en: 'Not a valid request: enter the admin password and try again' });
      return (await ipc.invoke(SHELL_IPC.exit, r.data)) as ShellResult;
    },
    async cancelExit() {
      await ipc.invoke(SHELL_IPC.cancelExit);
    },
  };
}
