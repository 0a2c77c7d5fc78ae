/**
 * The Electron shell's own IPC contract, shared by main (electron/main/ipc), the preload
 * (electron/preload) and the shell's pages (renderer/setup): the setup screen that writes the
 * terminal's configuration, and the exit dialog behind the admin's exit gesture. Every payload
 * is validated with these schemas on both sides; errors a person sees are bilingual.
 */
import { z } from 'zod';
import type { Bilingual } from '../config/text';

export const SHELL_IPC = {
  /** () => ShellInfo */
  info: 'hallq:shell:info',
  /** (SetupInput) => ShellResult: validate, write the configuration, open the role's window. */
  saveSetup: 'hallq:shell:save-setup',
  /** (ExitRequest) => ShellResult: the admin password, then quit or go back to setup. */
  exit: 'hallq:shell:exit',
  /** () => void: close the exit dialog, back to work. */
  cancelExit: 'hallq:shell:cancel-exit',
} as const;

export const ROLES = ['kiosk', 'counter', 'evaluator', 'display', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type ShellRole = z.infer<typeof RoleSchema>;

export const TerminalIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and "-", at most 40');
export const ServerUrlSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\/[^/]+\/?$/.test(u), 'a server address such as http://hub.hall.local:8080 (no path)');
export const WindowIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'a window id such as w1');

/** The evaluator terminal on a counter PC's second screen: its id and one-time code. */
export const CompanionSchema = z.object({ terminalId: TerminalIdSchema, enrollCode: z.string().min(6).max(64) }).strict();

/** What the setup screen asks of hall IT at the first start. */
export const SetupInputSchema = z
  .object({
    terminalId: TerminalIdSchema,
    role: RoleSchema,
    /** Counter and evaluator terminals belong to one window. */
    windowId: WindowIdSchema.optional(),
    /** Hub first, then central. */
    servers: z.array(ServerUrlSchema).min(1).max(4),
    /** The one-time code from the admin's terminal list. */
    enrollCode: z.string().min(6).max(64),
    /** The password of the exit gesture on this terminal (stored hashed). */
    adminPassword: z.string().min(8, 'at least 8 characters').max(128),
    /**
     * A counter PC with a second screen facing the citizen: the evaluator shown there is a
     * terminal of its own (its token may record ratings, the counter's may not: R8).
     */
    evaluator: CompanionSchema.optional(),
  })
  .refine((s) => (s.role !== 'counter' && s.role !== 'evaluator') || s.windowId !== undefined, { message: 'a counter or evaluator needs its window', path: ['windowId'] })
  .refine((s) => s.evaluator === undefined || s.role === 'counter', { message: 'only a counter drives an evaluator screen', path: ['evaluator'] });
export type SetupInput = z.infer<typeof SetupInputSchema>;

export const ExitRequestSchema = z.object({
  password: z.string().min(1).max(128),
  /** 'quit' closes the app; 'setup' keeps it and opens the setup screen again. */
  action: z.enum(['quit', 'setup']),
});
export type ExitRequest = z.infer<typeof ExitRequestSchema>;

export interface ShellInfo {
  version: string;
  platform: string;
  /** Undefined before setup. */
  terminalId?: string;
  role?: ShellRole;
  /** Where the configuration file lives (shown to hall IT on the setup screen). */
  configPath: string;
}

export type ShellResult = { ok: true } | { ok: false; message: Bilingual; field?: string };
