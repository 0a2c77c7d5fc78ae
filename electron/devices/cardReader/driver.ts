/**
 * The resident ID card reader (SAM serial protocol) as a SupervisedDriver.
 *
 * attach: reset the SAM, ask its status, read its id; then poll "find card" every pollMs.
 * A found card (SW3 9F) is selected and read; the answer is parsed, validated (check digit,
 * card type, dates) and reduced to a CardRead (masked, keyed hash with the hall key). Then the
 * driver waits for the card to leave the field (find fails) before it reports `card-removed`
 * and looks for a new card.
 *
 * Where the data goes (R19, R21): `onCard(cardRead, full)` — cardRead is for every screen, full
 * (number, name, photo, address...) only for the counter's identity check. The driver never
 * logs either, and its errors and discard reports never contain the name, the number or the
 * text block, not even as hex.
 *
 * Health: the reader's own fault statuses (SAM self-test failed, not authorized, ...) and
 * repeated unanswered commands go to `onFault`; when the reader works again, `onRecover`.
 * Problems with a citizen's card (damaged, moved away, bad check digit) are not reader faults:
 * they go to `onCardError` so the screen can ask for the card again.
 */
import { type CardRead } from '../../../shared/identity';
import { CommandQueue } from '../common/commandQueue';
import { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import type { SupervisedDriver } from '../common/supervisor';
import { CMD, SW, SamFramer, describeFrame, encodeNamed, isCardStatus, statusError, toResponse, type CommandName, type SamResponse } from './frames';
import { cardReadOf, parseNewAddress, parseReadAnswer, TEXT_BYTES, type FullCardData } from './parse';

/** A SAM id is 16 bytes; more is kept to this many (it is only shown for support). */
const MAX_SAM_ID_BYTES = 32;

export interface CardReaderTimeouts {
  /** SAM status / SAM id (DEVICES.md: ~300 ms). */
  samMs: number;
  /** Reset SAM: the module restarts, give it longer. */
  resetMs: number;
  /** Find / select card (~500 ms). */
  findMs: number;
  /** Read text + photo (~3.5 s). */
  readMs: number;
}

export const DEFAULT_TIMEOUTS: CardReaderTimeouts = { samMs: 300, resetMs: 1000, findMs: 500, readMs: 3500 };

export type CardReaderLogLevel = 'debug' | 'info' | 'warn';

export interface CardReaderDriverOptions {
  /** The hall's secret key for the keyed hash of ID numbers (at least 16 bytes). */
  hallKey: string | Uint8Array;
  /** How often to look for a card (config `pollMs`, default 1000). */
  pollMs?: number;
  /** Read the fingerprint variant (0x30 0x10) (config `withFingerprint`). */
  withFingerprint?: boolean;
  /**
   * After reading a resident card or HK/Macau/Taiwan permit, read its new-address page
   * (0x30 0x03: 90 + the address, or 91 = none). Default true (config `readNewAddress`).
   */
  readNewAddress?: boolean;
  timeouts?: Partial<CardReaderTimeouts>;
  /** Failed finds in a row that mean the card has left the field. Default 1. */
  removeAfterMisses?: number;
  /** Unanswered / unreadable exchanges in a row before they count as a reader fault. Default 2. */
  faultAfter?: number;
  /** Failed reads of one card before it is given up until it is taken away. Default 3. */
  readAttempts?: number;
  /** Read the SAM id on attach (kept in `samId`). Default true. */
  readSamId?: boolean;
  /** A card was read: `card` for every screen, `full` for the identity check only. */
  onCard: (card: CardRead, full: FullCardData) => void;
  /** The card that was read (or refused) has left the field. */
  onRemoved?: () => void;
  /** The reader misbehaves (fault status, no answers): for health. */
  onFault?: (err: DeviceError) => void;
  /** The reader works again after a fault. */
  onRecover?: () => void;
  /** The card in the field could not be read or was refused (bilingual message for the screen). */
  onCardError?: (err: DeviceError) => void;
  /** Diagnostics. Never receives card data. */
  log?: (level: CardReaderLogLevel, message: string) => void;
  now?: () => Date;
}

type CardState = 'absent' | 'present';

/** Protocol errors of the line (noise, lost or stray answers), as opposed to bad card data. */
const LINE_ERRORS: ReadonlySet<string> = new Set(['unexpected-answer', 'bad-checksum']);
/** The reader saw our command damaged (checksum / length error): noise on the line, like a lost answer. */
const LINE_STATUSES: ReadonlySet<string> = new Set(['sw-10', 'sw-11']);

interface Waiter {
  resolve(res: SamResponse): void;
  reject(err: Error): void;
}

function closedError(): DeviceError {
  return new DeviceError('transport', 'closed', { zh: '读卡器已断开', en: 'the card reader link is closed' });
}

export class CardReaderDriver implements SupervisedDriver {
  /** The SAM module's id (hex), after attach. */
  samId: string | undefined;
  private readonly timeouts: CardReaderTimeouts;
  private readonly queue = new CommandQueue();
  private readonly framer: SamFramer;
  private link: ByteLink | undefined;
  private unsubscribe: (() => void) | undefined;
  private waiter: Waiter | undefined;
  /** Bumped on every attach/detach: stale loops and answers see they are stale. */
  private gen = 0;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private card: CardState = 'absent';
  private misses = 0;
  private failedReads = 0;
  private failures = 0;
  /**
   * Read answers lost in a row to line damage (bad checksum, cut short): not reset by the
   * find / select answers around them, which do arrive. Only a read answer that arrives
   * whole resets it.
   */
  private damagedReads = 0;
  private fault: DeviceError | undefined;
  /** The fault is damaged read answers (the SAM answers its status fine): only a good read ends it. */
  private readFault = false;
  private recovered: { promise: Promise<void>; resolve: () => void } | undefined;
  /** While a read answer may be on the wire, discarded bytes are not shown (they may be personal). */
  private readBusy = false;
  private quietUntil = 0;

  constructor(private readonly o: CardReaderDriverOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
    this.framer = new SamFramer({ onDiscard: (hex, reason) => this.discarded(hex, reason) });
  }

  /** 'present' from a read (or refusal) until the card leaves the field. */
  get cardState(): CardState {
    return this.card;
  }

  get faulted(): DeviceError | undefined {
    return this.fault;
  }

  async attach(link: ByteLink): Promise<void> {
    this.teardown();
    const gen = ++this.gen;
    this.link = link;
    this.framer.reset();
    this.unsubscribe = link.onData((chunk) => this.received(chunk));
    this.failures = 0;
    this.damagedReads = 0;
    this.fault = undefined;
    this.readFault = false;

    // The reader must answer (else attach fails and the supervisor retries). A SAM that answers
    // with a fault status is reported as a fault right after attach; reopening the link would
    // not help, the poll loop keeps resetting the SAM until it answers OK.
    let err: DeviceError | undefined;
    const reset = await this.send('resetSam', this.timeouts.resetMs);
    if (reset.sw3 !== SW.ok) this.log('warn', `reset SAM: ${statusError(reset, 'reset SAM').message}`);
    const status = await this.send('samStatus', this.timeouts.samMs);
    if (status.sw3 !== SW.ok) err = statusError(status, 'SAM status');
    else if (this.o.readSamId !== false) {
      // Only for support (which SAM is in this reader): not being able to read it is no failure.
      try {
        const id = await this.send('readSamId', this.timeouts.samMs);
        if (id.sw3 === SW.ok) this.samId = Array.from(id.data.subarray(0, MAX_SAM_ID_BYTES), (b) => b.toString(16).padStart(2, '0')).join('');
        else this.log('warn', `could not read the SAM id: ${statusError(id, 'read SAM id').message}`);
      } catch (e) {
        if (e instanceof DeviceError && e.kind === 'transport') throw e;
        this.log('warn', `could not read the SAM id: ${(e as Error).message}`);
      }
    }
    if (gen !== this.gen) throw closedError();
    if (err) {
      this.fault = err;
      // After the supervisor has reported the link as working.
      const e = err;
      setTimeout(() => {
        if (gen === this.gen && this.fault === e) this.o.onFault?.(e);
      }, 0);
      this.log('warn', `attached, SAM fault: ${err.message}`);
    } else {
      this.log('info', `attached (${link.description}${this.samId ? `, SAM ${this.samId}` : ''})`);
    }
    this.schedule(gen, 0);
  }

  detach(): void {
    const hadCard = this.card === 'present';
    this.teardown();
    if (hadCard) this.o.onRemoved?.();
  }

  /**
   * SAM status. Rejects when the reader does not answer (the supervisor reopens the link);
   * resolves when it answers OK. While the SAM answers a fault status the fault is reported and
   * the promise waits for the recovery, so the supervisor neither marks it OK nor reopens it.
   */
  async heartbeat(): Promise<void> {
    // One lost answer is noise on the line (the supervisor would reopen the link for it).
    const tries = Math.max(1, this.o.faultAfter ?? 2);
    let res: SamResponse | undefined;
    for (let i = 1; !res; i++) {
      try {
        res = await this.send('samStatus', this.timeouts.samMs);
        if (i < tries && (res.sw3 === SW.checksumError || res.sw3 === SW.lengthError)) {
          this.log('warn', `heartbeat: the reader got a damaged command (${res.sw3.toString(16)}); asking again`);
          res = undefined;
        }
      } catch (e) {
        const transient = e instanceof DeviceError && (e.kind === 'timeout' || LINE_ERRORS.has(e.code));
        if (!transient || i >= tries) throw e;
        this.log('warn', `heartbeat: ${(e as Error).message}; asking again`);
      }
    }
    if (res.sw3 === SW.ok) {
      // The SAM answers; damaged read answers are ended by a good read, not by this.
      if (!this.readFault) this.recover();
      return;
    }
    this.setFault(statusError(res, 'SAM status'));
    return this.recovered?.promise;
  }

  private teardown(): void {
    this.gen += 1;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.link = undefined;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(closedError());
    this.framer.reset();
    this.card = 'absent';
    this.misses = 0;
    this.failedReads = 0;
    this.readBusy = false;
    // Pending heartbeats stay pending: the supervisor already handles the lost link.
    this.recovered = undefined;
  }

  private schedule(gen: number, delay: number): void {
    if (gen !== this.gen) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.tick(gen), delay);
  }

  private async tick(gen: number): Promise<void> {
    try {
      if (this.fault && !this.readFault) await this.tryRecover();
      else await this.poll();
      this.failures = 0;
    } catch (e) {
      if (gen === this.gen) this.failed(e);
    } finally {
      this.schedule(gen, this.o.pollMs ?? 1000);
    }
  }

  /** While faulted: reset the SAM and ask its status; OK again → recovered. */
  private async tryRecover(): Promise<void> {
    const reset = await this.send('resetSam', this.timeouts.resetMs);
    if (reset.sw3 !== SW.ok) this.log('debug', `reset SAM answered ${reset.sw3.toString(16)}`);
    const status = await this.send('samStatus', this.timeouts.samMs);
    if (status.sw3 === SW.ok) this.recover();
    else this.setFault(statusError(status, 'SAM status'));
  }

  private async poll(): Promise<void> {
    const find = await this.send('findCard', this.timeouts.findMs);
    if (find.sw3 === SW.cardFound) {
      this.misses = 0;
      if (this.card === 'present') return; // the same card, still in the field
      await this.readCard();
      return;
    }
    if (find.sw3 === SW.noCard) {
      if (this.card === 'present' && ++this.misses >= (this.o.removeAfterMisses ?? 1)) {
        this.card = 'absent';
        this.misses = 0;
        this.failedReads = 0;
        this.log('info', 'card removed');
        this.o.onRemoved?.();
      }
      if (this.card === 'absent') this.failedReads = 0;
      return;
    }
    throw statusError(find, 'find card');
  }

  private async readCard(): Promise<void> {
    const sel = await this.send('selectCard', this.timeouts.findMs);
    if (sel.sw3 !== SW.ok) throw statusError(sel, 'select card');
    const fp = this.o.withFingerprint === true;
    let res: SamResponse;
    this.readBusy = true;
    try {
      res = await this.send(fp ? 'readTextFingerprint' : 'readText', this.timeouts.readMs);
    } catch (e) {
      if (e instanceof DeviceError && (e.kind === 'timeout' || LINE_ERRORS.has(e.code))) this.damagedReads += 1;
      throw e;
    } finally {
      this.readBusy = false;
      this.quietUntil = Date.now() + 500;
    }
    // A whole answer arrived: the line carries read answers again.
    this.damagedReads = 0;
    if (this.readFault) this.recover();
    if (res.sw3 !== SW.ok) throw statusError(res, 'read card');
    const now = this.o.now?.() ?? new Date();
    let full: FullCardData;
    let card: CardRead;
    try {
      full = parseReadAnswer(res, { fingerprint: fp, now });
      card = cardReadOf(full, this.o.hallKey, now);
    } catch (e) {
      // The answer passed its checksum: this is what the card holds. Refuse it until it leaves.
      this.card = 'present';
      throw e;
    }
    this.card = 'present';
    this.failedReads = 0;
    if (this.o.readNewAddress !== false && (full.cardType === 'resident' || full.cardType === 'hmt-permit')) {
      const newAddress = await this.readNewAddress();
      if (newAddress !== undefined) full.newAddress = newAddress;
    }
    this.log('info', `card read (${card.cardType})`);
    try {
      this.o.onCard(card, full);
    } catch (e) {
      // Not the reader's fault; and the listener's message might quote the card: name only.
      this.log('warn', `the onCard listener threw ${(e as Error)?.name ?? 'an error'}`);
    }
  }

  /**
   * The new-address page, after a good read. The card has been read already: a reader that
   * does not know the command (SW 21/24), a page that is not text or a lost answer only mean
   * no new address, never a refused card. A reader fault status still counts as a fault.
   */
  private async readNewAddress(): Promise<string | undefined> {
    let res: SamResponse;
    this.readBusy = true;
    try {
      res = await this.send('readAppendedAddress', this.timeouts.findMs * 2);
    } catch (e) {
      if (e instanceof DeviceError && e.kind === 'transport') throw e;
      this.log('warn', `new-address page not read: ${(e as Error).name === 'DeviceError' ? (e as DeviceError).code : 'error'}`);
      return undefined;
    } finally {
      this.readBusy = false;
      this.quietUntil = Date.now() + 500;
    }
    if (res.sw3 === SW.noContent) return undefined;
    if (res.sw3 !== SW.ok) {
      this.log('warn', `new-address page not read: SW3 ${res.sw3.toString(16)}`);
      return undefined;
    }
    try {
      return parseNewAddress(res);
    } catch (e) {
      this.log('warn', `new-address page not read: ${(e as DeviceError).code}`);
      return undefined;
    }
  }

  private failed(e: unknown): void {
    if (!(e instanceof DeviceError)) {
      this.log('warn', `unexpected ${(e as Error)?.name ?? 'error'} in the poll loop`);
      return;
    }
    const err = e;
    if (err.kind === 'transport') return; // the link is gone: the supervisor reports it
    if (err.kind === 'status' && isCardStatus(err)) {
      this.cardProblem(err);
      return;
    }
    if (err.kind === 'protocol' && !LINE_ERRORS.has(err.code)) {
      // A well-formed answer with unusable card data (bad check digit, bad date...).
      this.o.onCardError?.(err);
      this.log('warn', `card refused: ${err.code}`);
      return;
    }
    if (err.kind === 'status' && !LINE_STATUSES.has(err.code)) {
      this.setFault(err);
      return;
    }
    // Timeouts, lost and stray answers: once may be noise on the line; repeated, a fault.
    // Read answers damaged every time are a fault too, though the short answers get through.
    this.failures += 1;
    this.log('warn', `${err.message} (${Math.max(this.failures, this.damagedReads)} in a row)`);
    const after = this.o.faultAfter ?? 2;
    if (this.failures >= after) this.setFault(err);
    else if (this.damagedReads >= after) this.setFault(err, true);
  }

  private cardProblem(err: DeviceError): void {
    // Select failures are usual while a card is being put down or taken away: only note them.
    if (err.code === 'sw-81' || err.code === 'sw-80') {
      this.log('debug', err.message);
      return;
    }
    this.failedReads += 1;
    this.log('warn', `card could not be read (${this.failedReads}): ${err.message}`);
    this.o.onCardError?.(err);
    if (this.failedReads >= (this.o.readAttempts ?? 3)) this.card = 'present';
  }

  private setFault(err: DeviceError, fromReads = false): void {
    const known = this.fault;
    this.fault = err;
    this.readFault = fromReads;
    if (!this.recovered) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.recovered = { promise, resolve };
    }
    if (!known || known.code !== err.code) {
      this.log('warn', `reader fault: ${err.message}`);
      this.o.onFault?.(err);
    }
  }

  private recover(): void {
    this.failures = 0;
    if (!this.fault) return;
    this.fault = undefined;
    this.readFault = false;
    this.recovered?.resolve();
    this.recovered = undefined;
    this.log('info', 'reader works again');
    this.o.onRecover?.();
  }

  /** One command through the queue: write it, take the next frame as its answer. */
  private send(name: CommandName, timeoutMs: number): Promise<SamResponse> {
    const gen = this.gen;
    return this.queue
      .run(name, timeoutMs, (signal) => {
        const link = this.link;
        if (!link || gen !== this.gen) return Promise.reject(closedError());
        this.framer.discardPending('stale bytes before a command');
        return new Promise<SamResponse>((resolve, reject) => {
          const w: Waiter = { resolve, reject };
          this.waiter = w;
          signal.addEventListener('abort', () => {
            if (this.waiter !== w) return;
            this.waiter = undefined;
            // Never wait on a truncated frame: forget it.
            this.framer.discardPending(`no complete answer to ${name}`);
          });
          link.write(encodeNamed(name)).catch((e: unknown) => {
            if (this.waiter === w) this.waiter = undefined;
            reject(e instanceof DeviceError ? e : new DeviceError('transport', 'write-failed', { zh: '写入读卡器失败', en: String(e) }));
          });
        });
      })
      .then((res) => {
        if (gen !== this.gen) throw closedError();
        checkShape(name, res, this.o.withFingerprint === true);
        if (res.sw3 === SW.ok || res.sw3 === SW.cardFound || res.sw3 === SW.noCard) this.failures = 0;
        return res;
      });
  }

  private received(chunk: Uint8Array): void {
    for (const f of this.framer.push(chunk)) {
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        w.resolve(toResponse(f));
      } else {
        this.log('warn', `unsolicited frame ignored: ${describeFrame(f.raw)}`);
      }
    }
  }

  private discarded(hex: string, reason: string): void {
    // The protocol answers each command once: an answer with a bad checksum is lost for good,
    // so fail the command now instead of waiting for its timeout (3.5 s for a read).
    const w = this.waiter;
    if (reason === 'bad checksum' && w) {
      this.waiter = undefined;
      w.reject(new DeviceError('protocol', 'bad-checksum', { zh: '读卡器应答校验和错误', en: 'the answer had a bad checksum' }, this.readBusy ? undefined : hex));
    }
    if (this.readBusy || Date.now() < this.quietUntil) this.log('warn', `bytes discarded (${reason}) around a card read; content withheld`);
    // A long run without a preamble may be the tail of a read answer that came late (a name, a
    // number in UCS-2): only short line noise, or a frame's header, is shown.
    else this.log('warn', `bytes discarded (${reason}): ${hex.split(' ').length <= 5 || hex.startsWith('aa aa aa 96 69') ? hex : 'more than 5 bytes, content withheld'}`);
  }

  private log(level: CardReaderLogLevel, message: string): void {
    this.o.log?.(level, message);
  }
}

/**
 * Which answers can belong to which command, decided by the status, never by the data length:
 * real readers put data after any status (find: 9F + 4 bytes, select: 90 + 8 bytes, SAM id:
 * 90 + 16 bytes), and LEN is already bounded by the framer. What is refused is an answer that
 * can only be a stray one (e.g. a late answer to an earlier command):
 * - "card found" (9F) answers only "find card", and "find card" is never answered "success";
 * - a successful read carries at least its length fields and the 256-byte text block.
 * Every other status is the reader's word on this command (handled by the caller).
 */
export function checkShape(name: CommandName, res: SamResponse, fingerprint: boolean): void {
  const n = res.data.length;
  let good = true;
  if (res.sw3 === SW.cardFound) good = name === 'findCard';
  else if (name === 'findCard' && res.sw3 === SW.ok) good = false;
  else if (res.sw3 === SW.ok && name === 'readText') good = n >= 4 + TEXT_BYTES;
  else if (res.sw3 === SW.ok && name === 'readTextFingerprint') good = fingerprint && n >= 6 + TEXT_BYTES;
  if (!good) {
    const [cmd, para] = CMD[name];
    throw new DeviceError(
      'protocol',
      'unexpected-answer',
      { zh: '读卡器应答与命令不符', en: `an answer that does not fit the command ${cmd.toString(16)} ${para.toString(16)} (${name})` },
      describeFrame(res.raw),
    );
  }
}
