/**
 * A virtual ESC/POS ticket printer: it parses the byte stream (cut anywhere into chunks), keeps
 * what a person would see (the printed lines decoded from GBK, the QR payloads, the cuts),
 * answers `DLE EOT n` from its configured state, and can run out of paper in the middle of a
 * job. It serves the peer end of a socat pty pair, a TCP server on 127.0.0.1 (port 9100 of a
 * network printer), or an in-memory ByteLink for unit tests. `disassemble()` turns a job into
 * a readable listing (used to review the golden files).
 */
import { createServer, type Server, type Socket } from 'node:net';
import iconv from 'iconv-lite';
import { ByteBuffer } from '../common/framer';
import { LinkEvents, type ByteLink } from '../common/link';
import { openSerialLink } from '../common/serialLink';
import { DeviceError, toHex } from '../common/errors';

export type SimCommand =
  | { t: 'text'; bytes: Uint8Array }
  | { t: 'lf' }
  | { t: 'init' }
  | { t: 'chinese'; on: boolean }
  | { t: 'align'; n: number }
  | { t: 'bold'; on: boolean }
  | { t: 'size'; w: number; h: number }
  | { t: 'feed'; lines: number }
  | { t: 'qr-model'; model: number }
  | { t: 'qr-size'; n: number }
  | { t: 'qr-level'; level: string }
  | { t: 'qr-store'; data: Uint8Array; pL: number; pH: number }
  | { t: 'qr-print' }
  | { t: 'cut'; partial: boolean; feed?: number }
  | { t: 'status'; n: number }
  | { t: 'realtime'; hex: string }
  | { t: 'other'; hex: string; name: string }
  | { t: 'unknown'; hex: string };

/** One command at `i`, with its length; undefined when the bytes so far are incomplete. */
export function decodeCommand(b: Uint8Array, i: number, chinese = true): { cmd: SimCommand; len: number } | undefined {
  const n = b.length - i;
  const at = (k: number) => b[i + k]!;
  const need = (len: number) => n >= len;
  const c0 = at(0);
  if (c0 === 0x0a) return { cmd: { t: 'lf' }, len: 1 };
  if (c0 === 0x0d || c0 === 0x09) return { cmd: { t: 'other', hex: toHex([c0]), name: c0 === 0x0d ? 'CR' : 'HT' }, len: 1 };
  if (c0 === 0x10) {
    if (!need(3)) return undefined;
    if (at(1) === 0x04) return { cmd: { t: 'status', n: at(2) }, len: 3 };
    if (at(1) === 0x05) return { cmd: { t: 'realtime', hex: toHex(b.subarray(i, i + 3)) }, len: 3 };
    if (at(1) === 0x14) {
      if (!need(5)) return undefined;
      return { cmd: { t: 'realtime', hex: toHex(b.subarray(i, i + 5)) }, len: 5 };
    }
    return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + 2)) }, len: 2 };
  }
  if (c0 === 0x1b) {
    if (!need(2)) return undefined;
    const c1 = at(1);
    if (c1 === 0x40) return { cmd: { t: 'init' }, len: 2 };
    const oneArg: Record<number, string> = { 0x21: 'ESC ! (print mode)', 0x2d: 'ESC - (underline)', 0x33: 'ESC 3 (line spacing)', 0x4a: 'ESC J (feed dots)', 0x4d: 'ESC M (font)', 0x74: 'ESC t (code page)', 0x20: 'ESC SP (right spacing)' };
    if (c1 === 0x61 || c1 === 0x45 || c1 === 0x64 || oneArg[c1]) {
      if (!need(3)) return undefined;
      const a = at(2);
      if (c1 === 0x61) return { cmd: { t: 'align', n: a }, len: 3 };
      if (c1 === 0x45) return { cmd: { t: 'bold', on: (a & 1) === 1 }, len: 3 };
      if (c1 === 0x64) return { cmd: { t: 'feed', lines: a }, len: 3 };
      return { cmd: { t: 'other', hex: toHex(b.subarray(i, i + 3)), name: oneArg[c1]! }, len: 3 };
    }
    if (c1 === 0x32) return { cmd: { t: 'other', hex: '1b 32', name: 'ESC 2 (default line spacing)' }, len: 2 };
    return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + 2)) }, len: 2 };
  }
  if (c0 === 0x1c) {
    if (!need(2)) return undefined;
    if (at(1) === 0x26) return { cmd: { t: 'chinese', on: true }, len: 2 };
    if (at(1) === 0x2e) return { cmd: { t: 'chinese', on: false }, len: 2 };
    if (at(1) === 0x21) return need(3) ? { cmd: { t: 'other', hex: toHex(b.subarray(i, i + 3)), name: 'FS ! (Chinese print mode)' }, len: 3 } : undefined;
    return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + 2)) }, len: 2 };
  }
  if (c0 === 0x1d) {
    if (!need(2)) return undefined;
    const c1 = at(1);
    if (c1 === 0x21) return need(3) ? { cmd: { t: 'size', w: (at(2) >> 4) + 1, h: (at(2) & 0x0f) + 1 }, len: 3 } : undefined;
    if (c1 === 0x56) {
      if (!need(3)) return undefined;
      const m = at(2);
      if (m === 0 || m === 0x30) return { cmd: { t: 'cut', partial: false }, len: 3 };
      if (m === 1 || m === 0x31) return { cmd: { t: 'cut', partial: true }, len: 3 };
      if (m === 65 || m === 66) return need(4) ? { cmd: { t: 'cut', partial: m === 66, feed: at(3) }, len: 4 } : undefined;
      return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + 3)) }, len: 3 };
    }
    if (c1 === 0x28 && need(3) && at(2) === 0x6b) {
      if (!need(5)) return undefined;
      const pL = at(3);
      const pH = at(4);
      const len = 5 + pL + pH * 256;
      if (!need(len)) return undefined;
      const cn = at(5);
      const fn = at(6);
      if (cn !== 0x31) return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + Math.min(len, 16))) }, len };
      if (fn === 0x41) return { cmd: { t: 'qr-model', model: at(7) - 0x30 }, len };
      if (fn === 0x43) return { cmd: { t: 'qr-size', n: at(7) }, len };
      if (fn === 0x45) return { cmd: { t: 'qr-level', level: 'LMQH'[at(7) - 0x30] ?? `?${at(7)}` }, len };
      if (fn === 0x50) return { cmd: { t: 'qr-store', data: b.slice(i + 8, i + len), pL, pH }, len };
      if (fn === 0x51) return { cmd: { t: 'qr-print' }, len };
      return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + Math.min(len, 16))) }, len };
    }
    if (c1 === 0x61 || c1 === 0x42 || c1 === 0x72) return need(3) ? { cmd: { t: 'other', hex: toHex(b.subarray(i, i + 3)), name: `GS ${String.fromCharCode(c1)}` }, len: 3 } : undefined;
    return { cmd: { t: 'unknown', hex: toHex(b.subarray(i, i + 2)) }, len: 2 };
  }
  if (c0 < 0x20 || c0 === 0x7f) return { cmd: { t: 'unknown', hex: toHex([c0]) }, len: 1 };
  // Text: a run of printable bytes; in Chinese mode a byte >= 0x81 starts a two-byte character.
  let k = 0;
  while (i + k < b.length) {
    const c = at(k);
    if (c < 0x20 || c === 0x7f) break;
    if (chinese && c >= 0x81 && c <= 0xfe) {
      if (i + k + 1 >= b.length) break; // the trail byte has not arrived yet
      k += 2;
    } else k += 1;
  }
  if (k === 0) return undefined;
  return { cmd: { t: 'text', bytes: b.slice(i, i + k) }, len: k };
}

/** A job as a readable listing, one command a line (GBK text decoded, QR lengths checked). */
export function disassemble(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let chinese = true;
  for (let i = 0; i < bytes.length; ) {
    const d = decodeCommand(bytes, i, chinese);
    if (!d) {
      out.push(`INCOMPLETE ${toHex(bytes.subarray(i))}`);
      break;
    }
    const c = d.cmd;
    const hex = toHex(bytes.subarray(i, i + Math.min(d.len, 12)));
    switch (c.t) {
      case 'text':
        out.push(`TEXT ${JSON.stringify(iconv.decode(Buffer.from(c.bytes), chinese ? 'gbk' : 'latin1'))}`);
        break;
      case 'lf':
        out.push('LF');
        break;
      case 'init':
        out.push(`${hex}  ESC @ init`);
        break;
      case 'chinese':
        chinese = c.on;
        out.push(`${hex}  ${c.on ? 'FS & Chinese mode on' : 'FS . Chinese mode off'}`);
        break;
      case 'align':
        out.push(`${hex}  ESC a ${c.n} align ${['left', 'center', 'right'][c.n] ?? '?'}`);
        break;
      case 'bold':
        out.push(`${hex}  ESC E bold ${c.on ? 'on' : 'off'}`);
        break;
      case 'size':
        out.push(`${hex}  GS ! size ${c.w}x${c.h}`);
        break;
      case 'feed':
        out.push(`${hex}  ESC d feed ${c.lines} lines`);
        break;
      case 'qr-model':
        out.push(`${hex}  QR model ${c.model}`);
        break;
      case 'qr-size':
        out.push(`${hex}  QR module size ${c.n}`);
        break;
      case 'qr-level':
        out.push(`${hex}  QR error level ${c.level}`);
        break;
      case 'qr-store': {
        const stored = c.pL + c.pH * 256;
        out.push(`${toHex(bytes.subarray(i, i + 8))}  QR store pL=${c.pL} pH=${c.pH} (${stored} = ${c.data.length} data bytes + 3) ${JSON.stringify(new TextDecoder().decode(c.data))}`);
        break;
      }
      case 'qr-print':
        out.push(`${hex}  QR print`);
        break;
      case 'cut':
        out.push(`${hex}  GS V ${c.feed !== undefined ? `feed ${c.feed} then ` : ''}${c.partial ? 'partial' : 'full'} cut`);
        break;
      case 'status':
        out.push(`${hex}  DLE EOT ${c.n} status request`);
        break;
      case 'realtime':
        out.push(`${hex}  real-time command`);
        break;
      case 'other':
        out.push(`${hex}  ${c.name}`);
        break;
      case 'unknown':
        out.push(`${hex}  UNKNOWN`);
        break;
    }
    i += d.len;
  }
  return out;
}

export interface PrinterSimState {
  paper: 'ok' | 'near-end' | 'out';
  coverOpen: boolean;
  /** Offline for another reason (the feed button held, waiting for recovery). */
  offline: boolean;
  cutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
  /** A one-way printer: never answers DLE EOT. */
  mute: boolean;
  /** The drawer kick-out connector's pin 3 reads high (DLE EOT 1 bit 2): idle answers 16, not 12. */
  drawerPin3High?: boolean;
  /** Offline because the paper feed button is held (DLE EOT 1 bit 6, DLE EOT 2 bit 3). */
  feedButton?: boolean;
  /** Offline, waiting for online recovery after an error (DLE EOT 1 bit 5). */
  waitingRecovery?: boolean;
}

export class PrinterSim {
  state: PrinterSimState = { paper: 'ok', coverOpen: false, offline: false, cutterError: false, unrecoverableError: false, autoRecoverableError: false, mute: false };
  /** Printed lines, decoded (what is on the paper). */
  readonly lines: string[] = [];
  /** QR codes printed, as their UTF-8 payloads. */
  readonly qrCodes: string[] = [];
  readonly cuts: Array<{ partial: boolean; feed?: number }> = [];
  /** DLE EOT requests received, by n. */
  readonly statusRequests: number[] = [];
  /** Commands the simulator does not know (an encoder bug if a test sees any). */
  readonly unknown: string[] = [];
  /** Bytes received that could not print (no paper, cover open, offline). */
  dropped = 0;
  received = 0;

  private readonly buf = new ByteBuffer();
  private lineBytes: number[] = [];
  private chinese = true;
  private storedQr: Uint8Array | undefined;
  private linesLeft: number | undefined;

  constructor(state: Partial<PrinterSimState> = {}) {
    Object.assign(this.state, state);
  }

  /** The paper runs out after this many more printed lines (mid-job). */
  runOutAfterLines(n: number): void {
    this.linesLeft = n;
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Whether the printer is printing (not stopped by paper, cover, error or offline). */
  get canPrint(): boolean {
    const s = this.state;
    return s.paper !== 'out' && !s.coverOpen && !s.offline && !s.cutterError && !s.unrecoverableError && !s.autoRecoverableError && !s.feedButton && !s.waitingRecovery;
  }

  /** Forget everything printed (a new test). */
  clearPaper(): void {
    this.lines.length = 0;
    this.qrCodes.length = 0;
    this.cuts.length = 0;
    this.statusRequests.length = 0;
    this.unknown.length = 0;
    this.dropped = 0;
    this.received = 0;
  }

  /**
   * The answer byte to DLE EOT n, from the state, as Epson's bit table and the published traces
   * in tests/fixtures/devices/printer/ give it: fixed 0x12; n=1 bit 2 drawer pin 3, bit 3
   * offline, bit 5 waiting for recovery, bit 6 feed button; n=2 bit 2 cover, bit 3 feeding by
   * the button, bit 5 stopped at paper end, bit 6 error; n=3 bit 3 autocutter, bit 5
   * unrecoverable, bit 6 auto-recoverable; n=4 bits 2-3 near end, bits 5-6 paper out. A roll
   * that ran out also shows the near-end bits (out of paper answers 1A 32 12 7E).
   */
  statusByte(n: number): number {
    const s = this.state;
    let b = 0x12;
    const errored = s.cutterError || s.unrecoverableError || s.autoRecoverableError;
    if (n === 1) b |= (s.drawerPin3High ? 0x04 : 0) | (!this.canPrint ? 0x08 : 0) | (s.waitingRecovery ? 0x20 : 0) | (s.feedButton ? 0x40 : 0);
    if (n === 2) b |= (s.coverOpen ? 0x04 : 0) | (s.feedButton ? 0x08 : 0) | (s.paper === 'out' ? 0x20 : 0) | (errored ? 0x40 : 0);
    if (n === 3) b |= (s.cutterError ? 0x08 : 0) | (s.unrecoverableError ? 0x20 : 0) | (s.autoRecoverableError ? 0x40 : 0);
    if (n === 4) b |= s.paper === 'near-end' ? 0x0c : s.paper === 'out' ? 0x6c : 0;
    return b;
  }

  /** Feed received bytes; returns the bytes the printer sends back. */
  feed(chunk: Uint8Array): Uint8Array {
    this.received += chunk.length;
    this.buf.append(chunk);
    const answers: number[] = [];
    let i = 0;
    const view = this.buf.view();
    while (i < view.length) {
      const d = decodeCommand(view, i, this.chinese);
      if (!d) break;
      this.apply(d.cmd, d.len, answers);
      i += d.len;
    }
    this.buf.consume(i);
    return Uint8Array.from(answers);
  }

  private apply(c: SimCommand, len: number, answers: number[]): void {
    // Real-time commands act even when the printer cannot print.
    if (c.t === 'status') {
      this.statusRequests.push(c.n);
      if (!this.state.mute && c.n >= 1 && c.n <= 4) answers.push(this.statusByte(c.n));
      return;
    }
    if (c.t === 'realtime') return;
    if (!this.canPrint) {
      this.dropped += len;
      return;
    }
    switch (c.t) {
      case 'text':
        this.lineBytes.push(...c.bytes);
        break;
      case 'lf':
        this.printLine();
        break;
      case 'feed':
        this.printLine();
        for (let k = 1; k < c.lines && this.canPrint; k++) this.printLine();
        break;
      case 'init':
        this.lineBytes = [];
        this.storedQr = undefined;
        break;
      case 'chinese':
        this.chinese = c.on;
        break;
      case 'qr-store':
        if (c.pL + c.pH * 256 !== c.data.length + 3) this.unknown.push(`QR length mismatch: pL pH say ${c.pL + c.pH * 256}, data ${c.data.length}`);
        this.storedQr = c.data;
        break;
      case 'qr-print':
        if (this.storedQr) this.qrCodes.push(new TextDecoder().decode(this.storedQr));
        break;
      case 'cut':
        if (this.lineBytes.length) this.printLine();
        if (this.canPrint) this.cuts.push(c.feed === undefined ? { partial: c.partial } : { partial: c.partial, feed: c.feed });
        break;
      case 'unknown':
        this.unknown.push(c.hex);
        break;
      default:
        break;
    }
  }

  private printLine(): void {
    if (!this.canPrint) return;
    this.lines.push(iconv.decode(Buffer.from(this.lineBytes), this.chinese ? 'gbk' : 'latin1'));
    this.lineBytes = [];
    if (this.linesLeft !== undefined) {
      this.linesLeft -= 1;
      if (this.linesLeft <= 0) {
        this.linesLeft = undefined;
        this.state.paper = 'out';
      }
    }
  }
}

/** An in-memory link to a simulator (unit tests): answers arrive asynchronously, like a device's. */
export interface SimLink extends ByteLink {
  /** Data listeners currently registered (for leak tests). */
  listenerCount(): number;
  /** Unplug. */
  unplug(): void;
}

export function simLink(sim: PrinterSim, opts: { answerDelayMs?: number } = {}): SimLink {
  const ev = new LinkEvents();
  let count = 0;
  return {
    description: 'simulated printer',
    write: async (bytes) => {
      if (ev.isClosed) throw new DeviceError('transport', 'closed', { zh: '设备已断开', en: 'the simulated printer is unplugged' });
      const answer = sim.feed(bytes);
      if (answer.length) {
        if (opts.answerDelayMs) setTimeout(() => ev.emitData(answer), opts.answerDelayMs);
        else setImmediate(() => ev.emitData(answer));
      }
    },
    onData: (l) => {
      count += 1;
      const off = ev.onData(l);
      let on = true;
      return () => {
        if (on) count -= 1;
        on = false;
        off();
      };
    },
    onClose: (l) => ev.onClose(l),
    close: async () => ev.emitClose(),
    listenerCount: () => count,
    unplug: () => ev.emitClose(new Error('unplugged')),
  };
}

/** Serve a simulator on the peer end of a pty pair (see ptyPair.ts). */
export async function serveSimOnPty(sim: PrinterSim, peerPath: string, baudRate = 115200): Promise<{ close(): Promise<void> }> {
  const link = await openSerialLink({ path: peerPath, baudRate });
  link.onData((chunk) => {
    const answer = sim.feed(chunk);
    if (answer.length) void link.write(answer).catch(() => {});
  });
  return { close: () => link.close() };
}

/** A network printer on 127.0.0.1 (port 0 = any free port; real printers listen on 9100). */
export async function serveSimOnTcp(sim: PrinterSim, port = 0): Promise<{ port: number; dropConnections(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('data', (chunk) => {
      const answer = sim.feed(new Uint8Array(chunk));
      if (answer.length) s.write(answer);
    });
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  const dropConnections = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port: actual,
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
