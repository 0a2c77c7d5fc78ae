/**
 * Real-time status (`DLE EOT n`, one byte back) and what it means for a ticket.
 *
 * Every answer byte has fixed bits (bit 1 and bit 4 set, bit 0 and bit 7 clear: `b & 0x93` is
 * 0x12); a byte without them is not a status answer (line noise, a late answer, an
 * unsolicited ASB packet) and is refused with its hex instead of being misread.
 *
 * The reader keeps exactly one data listener on the link for its whole life (not one per
 * request), so thousands of reads leave the link's listener count unchanged; each read has
 * its own timeout and honours an AbortSignal; bytes arriving while nobody asked are dropped.
 */
import type { Bilingual } from '../../../shared/config/text';
import { DeviceError, toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import { statusRequest, type StatusKind } from './escpos';

export interface PrinterStatus {
  /** n=1 bit 3 */
  offline: boolean;
  /** n=2 bit 2 */
  coverOpen: boolean;
  /** n=2 bit 5: printing stopped because the paper ran out */
  paperEndStop: boolean;
  /** n=2 bit 6 */
  error: boolean;
  /** n=3 bit 3 */
  cutterError: boolean;
  /** n=3 bit 5 */
  unrecoverableError: boolean;
  /** n=3 bit 6 (e.g. the head too hot; clears by itself) */
  autoRecoverableError: boolean;
  /** n=4 bits 2-3 (either bit: some printers set only one) */
  paperNearEnd: boolean;
  /** n=4 bits 5-6 (either bit) */
  paperOut: boolean;
  /** The four answer bytes as hex, n=1..4, for support. */
  raw: string;
}

const FIXED_MASK = 0x93;
const FIXED_VALUE = 0x12;

export function isStatusByte(b: number): boolean {
  return (b & FIXED_MASK) === FIXED_VALUE;
}

const bit = (b: number, i: number) => ((b >> i) & 1) === 1;

export function parsePrinterByte(b: number): Pick<PrinterStatus, 'offline'> {
  return { offline: bit(b, 3) };
}

export function parseOfflineByte(b: number): Pick<PrinterStatus, 'coverOpen' | 'paperEndStop' | 'error'> {
  return { coverOpen: bit(b, 2), paperEndStop: bit(b, 5), error: bit(b, 6) };
}

export function parseErrorByte(b: number): Pick<PrinterStatus, 'cutterError' | 'unrecoverableError' | 'autoRecoverableError'> {
  return { cutterError: bit(b, 3), unrecoverableError: bit(b, 5), autoRecoverableError: bit(b, 6) };
}

export function parsePaperByte(b: number): Pick<PrinterStatus, 'paperNearEnd' | 'paperOut'> {
  return { paperNearEnd: bit(b, 2) || bit(b, 3), paperOut: bit(b, 5) || bit(b, 6) };
}

/** The four answers (to n = 1, 2, 3, 4) as one status. Throws on a byte that is no status. */
export function parseStatus(bytes: readonly [number, number, number, number] | Uint8Array): PrinterStatus {
  const arr = Array.from(bytes);
  if (arr.length !== 4) throw new DeviceError('protocol', 'bad-status', { zh: '打印机状态数据不完整', en: `expected 4 status bytes, got ${arr.length}` }, toHex(arr));
  arr.forEach((b, i) => {
    if (!isStatusByte(b)) {
      throw new DeviceError('protocol', 'bad-status', { zh: '打印机状态应答无法识别', en: `the answer to DLE EOT ${i + 1} is not a status byte` }, toHex(arr));
    }
  });
  const [p, o, e, r] = arr as [number, number, number, number];
  return { ...parsePrinterByte(p), ...parseOfflineByte(o), ...parseErrorByte(e), ...parsePaperByte(r), raw: toHex(arr) };
}

/** What a status means for printing: the most specific blocking problem first. */
export interface StatusAssessment {
  /** Can a ticket be printed (before) / was it printed (after)? */
  ok: boolean;
  /** Problem code when not ok: paper-out, cover-open, cutter-error, unrecoverable-error, recoverable-error, printer-error, offline. */
  code?: string;
  warnings: string[];
  message: Bilingual;
}

const PROBLEMS: Array<{ code: string; test: (s: PrinterStatus) => boolean; message: Bilingual }> = [
  { code: 'paper-out', test: (s) => s.paperOut || s.paperEndStop, message: { zh: '打印机缺纸，请联系工作人员更换纸卷', en: 'the printer is out of paper; please ask staff to load a new roll' } },
  { code: 'cover-open', test: (s) => s.coverOpen, message: { zh: '打印机盖未关好', en: 'the printer cover is open' } },
  { code: 'cutter-error', test: (s) => s.cutterError, message: { zh: '打印机切刀故障', en: 'the printer cutter has jammed' } },
  { code: 'unrecoverable-error', test: (s) => s.unrecoverableError, message: { zh: '打印机发生不可恢复的故障，请联系维护人员', en: 'the printer has an unrecoverable error; call maintenance' } },
  { code: 'recoverable-error', test: (s) => s.autoRecoverableError, message: { zh: '打印机暂时故障（如打印头过热），请稍候', en: 'the printer has a temporary error (e.g. head too hot); wait a moment' } },
  { code: 'printer-error', test: (s) => s.error, message: { zh: '打印机故障', en: 'the printer reports an error' } },
  { code: 'offline', test: (s) => s.offline, message: { zh: '打印机处于离线状态', en: 'the printer is offline' } },
];

export function assessStatus(s: PrinterStatus): StatusAssessment {
  const warnings = s.paperNearEnd && !s.paperOut ? ['paper-near-end'] : [];
  const problem = PROBLEMS.find((p) => p.test(s));
  if (problem) return { ok: false, code: problem.code, warnings, message: problem.message };
  return { ok: true, warnings, message: summarizeStatus(s) };
}

/** Every condition the status shows, for people, in both languages. */
export function summarizeStatus(s: PrinterStatus): Bilingual {
  const zh: string[] = [];
  const en: string[] = [];
  for (const p of PROBLEMS) {
    if (p.test(s)) {
      zh.push(p.message.zh);
      en.push(p.message.en);
    }
  }
  if (s.paperNearEnd && !s.paperOut) {
    zh.push('纸卷即将用完');
    en.push('the paper roll is nearly used up');
  }
  if (zh.length === 0) return { zh: '打印机正常', en: 'the printer is ready' };
  return { zh: zh.join('；'), en: en.join('; ') };
}

/**
 * Reads `DLE EOT n` answers over a link, one request at a time (callers serialise through the
 * driver's CommandQueue; a second concurrent read is refused rather than mixed up).
 */
export class StatusReader {
  private waiter: ((b: number) => void) | undefined;
  private readonly off: () => void;

  constructor(private readonly link: ByteLink) {
    this.off = link.onData((chunk) => {
      const w = this.waiter;
      if (!w || chunk.length === 0) return; // unsolicited bytes: dropped
      this.waiter = undefined;
      w(chunk[0]!);
    });
  }

  /** One status byte for `DLE EOT n`, within `timeoutMs`. */
  read(n: StatusKind, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.waiter) return Promise.reject(new DeviceError('protocol', 'busy', { zh: '上一次状态查询尚未结束', en: 'a status read is already in progress' }));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<number>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === onByte) this.waiter = undefined;
      };
      const onByte = (b: number) => {
        cleanup();
        if (isStatusByte(b)) resolve(b);
        else reject(new DeviceError('protocol', 'bad-status', { zh: '打印机状态应答无法识别', en: `the answer to DLE EOT ${n} is not a status byte` }, toHex([b])));
      };
      const onAbort = () => {
        cleanup();
        reject(abortError(signal!));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new DeviceError('timeout', 'status-timeout', { zh: '打印机未应答状态查询', en: `the printer did not answer DLE EOT ${n} within ${timeoutMs} ms` }));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = onByte;
      this.link.write(statusRequest(n)).catch((err: unknown) => {
        cleanup();
        reject(err instanceof DeviceError ? err : new DeviceError('transport', 'write-failed', { zh: '写入打印机失败', en: String(err) }));
      });
    });
  }

  /** All four answers, parsed. */
  async readAll(timeoutMs: number, signal?: AbortSignal): Promise<PrinterStatus> {
    const bytes: number[] = [];
    for (const n of [1, 2, 3, 4] as const) bytes.push(await this.read(n, timeoutMs, signal));
    return parseStatus(bytes as [number, number, number, number]);
  }

  dispose(): void {
    this.off();
    this.waiter = undefined;
  }
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DeviceError('timeout', 'aborted', { zh: '操作已取消', en: 'the operation was cancelled' });
}
