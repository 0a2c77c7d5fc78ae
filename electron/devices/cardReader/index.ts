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
import { DeviceSupervisor } from '../common/supervisor';
import type { CardReaderSchema } from '../config';
import { CardReaderDriver, type CardReaderDriverOptions } from './driver';
import type { FullCardData } from './parse';

export { CardReaderDriver, DEFAULT_TIMEOUTS, type CardReaderDriverOptions, type CardReaderTimeouts } from './driver';
export { parseReadAnswer, parseTextBlock, cardReadOf, type FullCardData } from './parse';
export { NATIONS, nationName } from './nations';
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
  /** Override how the link is opened (tests); default the configured serial port. */
  open?: () => Promise<ByteLink>;
  timeouts?: CardReaderDriverOptions['timeouts'];
}

/** The configured card reader under a supervisor; call `supervisor.start()`. */
export function superviseCardReader(cfg: CardReaderConfig, w: CardReaderWiring): { supervisor: DeviceSupervisor; driver: CardReaderDriver } {
  // The supervisor is created after the driver; the driver's callbacks reach it through this.
  const ref: { sup?: DeviceSupervisor } = {};
  const driver = new CardReaderDriver({
    hallKey: w.hallKey,
    pollMs: cfg.pollMs,
    withFingerprint: cfg.withFingerprint,
    ...(w.timeouts ? { timeouts: w.timeouts } : {}),
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
  const supervisor = new DeviceSupervisor({
    id: cfg.id,
    kind: 'card-reader',
    open: w.open ?? (() => openSerialLink({ ...cfg.port, baudRate: cfg.port.baudRate })),
    driver,
    onHealth: w.onHealth,
    heartbeatMs: w.heartbeatMs ?? 5000,
    fallback: w.fallback ?? { zh: '可手工输入证件号码', en: 'ID numbers can still be typed in' },
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
  ref.sup = supervisor;
  return { supervisor, driver };
}
