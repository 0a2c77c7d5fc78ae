/**
 * The main process's log: JSON lines in the app's log folder, for hall IT and for us after an
 * incident. Rotated by size (hallq.log → hallq.1.log → … , the oldest deleted) so a terminal
 * that runs for years never fills its disk. Writing never throws: a full or read-only disk
 * must not crash the kiosk, so failures are swallowed and counted (`failures`).
 * Personal data (hall rule R21) is masked before anything is written: ID numbers, mobile
 * numbers, and whatever sits under keys such as idNumber, name or phone.
 */
import { join } from 'node:path';
import { format } from 'node:util';
import { maskIdNumber, maskName } from '../../../shared/identity/mask';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogData = Record<string, unknown>;

/** What other main-process modules log to (a RotatingLog, or a fake in tests). */
export interface LogSink {
  info(msg: string, data?: LogData): void;
  warn(msg: string, data?: LogData): void;
  error(msg: string, data?: LogData): void;
}

/** The synchronous node:fs calls used (the real module fits). Sync: a line is written whole before a crash. */
export interface LogFs {
  appendFileSync(path: string, data: string): void;
  statSync(path: string): { size: number };
  renameSync(from: string, to: string): void;
  existsSync(path: string): boolean;
  mkdirSync(path: string, options: { recursive: true }): unknown;
  rmSync(path: string, options: { force: true }): void;
}

export interface RotatingLogOptions {
  dir: string;
  name?: string;
  /** The size a file may reach before the next line goes to a fresh one. */
  maxBytes: number;
  /** How many files are kept, the current one included (at least 1). */
  files: number;
  fs: LogFs;
  now: () => number;
}

export class RotatingLog implements LogSink {
  /** Lines (or rotations) that could not be written. */
  failures = 0;
  private size: number | undefined;
  private readonly name: string;

  constructor(private readonly o: RotatingLogOptions) {
    this.name = o.name ?? 'hallq';
  }

  /** The current file; `file(1)` is the previous one, and so on. */
  file(n = 0): string {
    return join(this.o.dir, n === 0 ? `${this.name}.log` : `${this.name}.${n}.log`);
  }

  info(msg: string, data?: LogData): void {
    this.write('info', msg, data);
  }
  warn(msg: string, data?: LogData): void {
    this.write('warn', msg, data);
  }
  error(msg: string, data?: LogData): void {
    this.write('error', msg, data);
  }

  private write(level: LogLevel, msg: string, data: LogData | undefined): void {
    try {
      const line = `${formatLine(this.o.now(), level, msg, data)}\n`;
      const bytes = Buffer.byteLength(line);
      const fs = this.o.fs;
      if (this.size === undefined) {
        fs.mkdirSync(this.o.dir, { recursive: true });
        this.size = fs.existsSync(this.file()) ? fs.statSync(this.file()).size : 0;
      }
      if (this.size > 0 && this.size + bytes > this.o.maxBytes) {
        try {
          this.rotate();
          this.size = 0;
        } catch {
          // A file held open elsewhere (a viewer on Windows) cannot be renamed: keep writing
          // to it for a while rather than lose the lines, then drop them.
          this.failures++;
          if (this.size + bytes > 2 * this.o.maxBytes) return;
        }
      }
      fs.appendFileSync(this.file(), line);
      this.size += bytes;
    } catch {
      this.failures++;
      // Look at the disk again next time rather than trusting a count that may be off.
      this.size = undefined;
    }
  }

  private rotate(): void {
    const fs = this.o.fs;
    const keep = Math.max(1, Math.floor(this.o.files));
    fs.rmSync(this.file(keep - 1), { force: true });
    for (let n = keep - 2; n >= 0; n--) {
      if (fs.existsSync(this.file(n))) fs.renameSync(this.file(n), this.file(n + 1));
    }
  }
}

const RESERVED = new Set(['t', 'level', 'msg']);

/** One JSON line: `{t, level, msg, ...data}`, redacted. A data key that clashes gets a `_`. */
export function formatLine(now: number, level: LogLevel, msg: string, data?: LogData): string {
  const entry: Record<string, unknown> = { t: new Date(now).toISOString(), level, msg: redactText(String(msg)) };
  const clean = data === undefined ? undefined : redact(data);
  if (clean && typeof clean === 'object' && !Array.isArray(clean)) {
    for (const [k, v] of Object.entries(clean)) entry[RESERVED.has(k) ? `_${k}` : k] = v;
  }
  try {
    return JSON.stringify(entry);
  } catch {
    return JSON.stringify({ t: entry.t, level, msg: entry.msg, unserialisable: true });
  }
}

// 18-character ID numbers (17 digits and a check digit or X) and mainland mobile numbers, not
// when they are part of a longer run of digits or letters.
const ID_18 = /(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])/g;

/** Masks ID numbers (first 3 and last 4 kept) and mobile numbers inside free text. */
export function redactText(s: string): string {
  return s.replace(ID_18, (_m, a: string, b: string) => `${a}${'*'.repeat(11)}${b}`).replace(MOBILE, (_m, a: string, b: string) => `${a}****${b}`);
}

// Keys compared lower-case without '_' and '-'. `name` is personal more often than not in this
// app (clerks, visitors); a printer's name is better logged as `printer`.
const ID_KEYS = new Set(['idnumber', 'idno', 'idcard', 'idcardnumber', 'certno', 'certnumber', 'certificatenumber', 'passport', 'passportnumber']);
const NAME_KEYS = new Set(['name', 'fullname', 'realname', 'personname', 'visitorname', 'clientname', 'holdername']);
const PHONE_KEYS = new Set(['phone', 'mobile', 'tel', 'telephone', 'phonenumber', 'mobilephone', 'cellphone']);
const HIDDEN_KEYS = new Set(['address', 'birthdate', 'birthday', 'password', 'pin', 'photo']);

function maskUnderKey(key: string, v: string): string | undefined {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  if (ID_KEYS.has(k)) return maskIdNumber(v);
  if (NAME_KEYS.has(k)) return maskName(v);
  if (PHONE_KEYS.has(k)) return v.length > 7 ? `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}` : '*'.repeat(v.length);
  if (HIDDEN_KEYS.has(k)) return '***';
  return undefined;
}

/** A copy of `value` with personal data masked; errors become {name, message, stack}. */
export function redact(value: unknown, key = '', depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskUnderKey(key, value) ?? redactText(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    return maskUnderKey(key, String(value)) ?? (typeof value === 'bigint' ? String(value) : value);
  }
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= 6) return '[deep]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  // Raw bytes (a card reader's frame) may hold a whole identity: only their length is logged.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redact(v, key, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1, seen);
  return out;
}

/** Sends console output to the log as well (kept on the console too). Returns the undo. */
export function pipeConsole(log: LogSink, target: Pick<Console, 'log' | 'info' | 'warn' | 'error'>): () => void {
  const original = { log: target.log, info: target.info, warn: target.warn, error: target.error };
  const route = (method: keyof typeof original, level: LogLevel) => {
    target[method] = (...args: unknown[]) => {
      original[method].apply(target, args);
      log[level](format(...args), { source: 'console' });
    };
  };
  route('log', 'info');
  route('info', 'info');
  route('warn', 'warn');
  route('error', 'error');
  return () => Object.assign(target, original);
}
