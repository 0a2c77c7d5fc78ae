/**
 * Reader families: what differs, on the wire, between lines of resident ID card readers.
 *
 * Every published source (tests/fixtures/devices/cardReader/README.md) shows the same SAM_V
 * frames, the same preamble and the same status words; the replies differ only in what the
 * driver already accepts whatever the family: optional data after the status (find: 9F with
 * 4 bytes or none, select: 90 with 8 bytes or none), the fingerprint part (1024, 512 or 0
 * bytes), the new-address page (90 + address, or 91), and which status "find" gives when no
 * card is there (80 "no card", or a card status such as 31 while a card is being put down).
 * So a family is not a protocol variant: it is the serial speed a line of readers ships with.
 *
 *   family        speed     readers (as the sources name them)
 *   'sam-v'       115200    SAM_V modules and most desktop readers (the GA 467 default)
 *   'sam-v-9600'  9600      readers whose SDK opens the port at 9600 (e.g. the CVR-100R /
 *                           CVR-100AU builds of the THID CVR library); Synjones modules can
 *                           be switched between rates (Syn_SetCOMBaud)
 *
 * `port.baudRate` in devices.json overrides the family's speed. With `autoBaud` (default on),
 * a reader that does not answer at that speed is tried at the other usual ones on the next
 * reconnect attempts, and the speed it answers at is kept.
 */

export const CARD_READER_FAMILIES = ['sam-v', 'sam-v-9600'] as const;
export type CardReaderFamily = (typeof CARD_READER_FAMILIES)[number];

export const FAMILY_BAUD: Readonly<Record<CardReaderFamily, number>> = {
  'sam-v': 115200,
  'sam-v-9600': 9600,
};

/** The speeds SAM readers are set to (Synjones' Syn_SetCOMBaud offers these), most usual first. */
export const USUAL_BAUD_RATES = [115200, 9600, 57600, 38400, 19200] as const;

/** The speeds to try, in order: the configured one (or the family's), then, with autoBaud, the others. */
export function baudRatesFor(cfg: { family: CardReaderFamily; port: { baudRate?: number | undefined }; autoBaud: boolean }): number[] {
  const first = cfg.port.baudRate ?? FAMILY_BAUD[cfg.family];
  if (!cfg.autoBaud) return [first];
  return [first, ...USUAL_BAUD_RATES.filter((r) => r !== first)];
}

/**
 * Walks the speeds: `rate` is the one to open the port at. A reader that did not answer at it
 * (attach failed) moves the walk on; one that answered keeps its speed from then on.
 */
export class BaudHunter {
  private i = 0;
  private found = false;

  constructor(
    private readonly rates: readonly number[],
    private readonly log?: (level: 'info' | 'warn', message: string) => void,
  ) {
    if (rates.length === 0) throw new RangeError('BaudHunter: no baud rates');
  }

  get rate(): number {
    return this.rates[this.i]!;
  }

  /** The reader answered at `rate`: keep it. */
  answered(): void {
    if (!this.found && this.rates.length > 1) this.log?.('info', `the reader answers at ${this.rate} baud`);
    this.found = true;
  }

  /** The reader did not answer at `rate`: the next attempt tries the next speed. */
  noAnswer(): void {
    if (this.found || this.rates.length < 2) return;
    const was = this.rate;
    this.i = (this.i + 1) % this.rates.length;
    this.log?.('warn', `no answer at ${was} baud; trying ${this.rate} baud next`);
  }
}
