/**
 * The ID card reader, wired: a DeviceSupervisor around the driver, with the card data split the
 * way R19/R21 ask: screens get DeviceEvents with the masked CardRead; the full data goes only to
 * the identity-check listener (the counter), never to screens, logs or disk.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceEvent, DeviceHealth } from '../../../shared/devices/contract';
import type { CardRead } from '../../../shared/identity';
import type { z } from 'zod';
import type { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { openSerialLink } from '../common/serialLink';
import { DeviceSupervisor, type SupervisedDriver } from '../common/supervisor';
import type { CardReaderSchema } from '../config';
import { CardReaderDriver, type CardReaderDriverOptions } from './driver';
import { BaudHunter, baudRatesFor } from './family';
import type { FullCardData } from './parse';

export { CardReaderDriver, DEFAULT_TIMEOUTS, type CardReaderDriverOptions, type CardReaderTimeouts } from './driver';
export { parseReadAnswer, parseTextBlock, cardReadOf, type FullCardData } from './parse';
export { NATIONS, nationName } from './nations';
export { CARD_READER_FAMILIES, FAMILY_BAUD, USUAL_BAUD_RATES, BaudHunter, baudRatesFor, type CardReaderFamily } from './family';
export { SamFramer, encodeCommand, encodeResponse, statusError } from './frames';

export type CardReaderConfig = z.output<typeof CardReaderSchema>;

export interface CardReaderWiring {
  /** The hall's secret key for idHash (from the hall configuration, not devices.json). */
  hallKey: string | Uint8Array;
  /** To every screen: `card` (masked) and `card-removed`. */
  toScreens: (e: DeviceEvent) => void;
  /** The counter's identity check (R19) only. */
  onIdentity?: (full: FullCardData, card: CardRead) => void;
  /** The card in the field was refused or could not be read: ask for it again. */
  onCardError?: (err: DeviceError) => void;
  onHealth: (h: DeviceHealth) => void;
  log?: CardReaderDriverOptions['log'];
  heartbeatMs?: number;
  baseMs?: number;
  capMs?: number;
  fallback?: Bilingual;
  /** Override how the link is opened (tests), at the speed being tried; default the configured serial port. */
  open?: (baudRate: number) => Promise<ByteLink>;
  timeouts?: CardReaderDriverOptions['timeouts'];
  /** The clock for card validity (tests). */
  now?: () => Date;
}

/** The configured card reader under a supervisor; call `supervisor.start()`. */
export function superviseCardReader(cfg: CardReaderConfig, w: CardReaderWiring): { supervisor: DeviceSupervisor; driver: CardReaderDriver } {
  // The supervisor is created after the driver; the driver's callbacks reach it through this.
  const ref: { sup?: DeviceSupervisor } = {};
  const driver = new CardReaderDriver({
    hallKey: w.hallKey,
    pollMs: cfg.pollMs,
    withFingerprint: cfg.withFingerprint,
    readNewAddress: cfg.readNewAddress,
    ...(w.timeouts ? { timeouts: w.timeouts } : {}),
    ...(w.now ? { now: w.now } : {}),
    onCard: (card, full) => {
      w.toScreens({ type: 'card', card });
      w.onIdentity?.(full, card);
    },
    onRemoved: () => w.toScreens({ type: 'card-removed' }),
    onFault: (err) => ref.sup?.fault(err),
    onRecover: () => ref.sup?.ok(),
    ...(w.onCardError ? { onCardError: w.onCardError } : {}),
    ...(w.log ? { log: w.log } : {}),
  });
  // The speed: the family's (or port.baudRate); with autoBaud, a reader that does not answer
  // is tried at the other usual speeds on the next attempts (family.ts).
  const baud = new BaudHunter(baudRatesFor(cfg), w.log);
  const supervised: SupervisedDriver = {
    attach: async (link) => {
      try {
        await driver.attach(link);
      } catch (e) {
        if ((e as DeviceError)?.kind !== 'transport') baud.noAnswer();
        throw e;
      }
      baud.answered();
    },
    detach: () => driver.detach(),
    heartbeat: () => driver.heartbeat(),
  };
  const open = w.open ?? ((baudRate: number) => openSerialLink({ ...cfg.port, baudRate }));
  const supervisor = new DeviceSupervisor({
    id: cfg.id,
    kind: 'card-reader',
    open: () => open(baud.rate),
    driver: supervised,
    onHealth: w.onHealth,
    heartbeatMs: w.heartbeatMs ?? 5000,
    fallback: w.fallback ?? { zh: '可手工输入证件号码', en: 'ID numbers can still be typed in' },
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
  ref.sup = supervisor;
  return { supervisor, driver };
}
