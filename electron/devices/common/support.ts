/**
 * Small helpers shared by the device drivers: typed listener sets, config → serial target,
 * USB id parsing.
 */
import type { SerialPortConfig } from '../config';
import type { SerialTarget } from './serialLink';

/** A set of listeners; a listener that throws is logged and does not stop the others or the driver. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  add(l: (...args: A) => void): () => void {
    this.set.add(l);
    return () => {
      this.set.delete(l);
    };
  }

  emit(...args: A): void {
    for (const l of [...this.set]) {
      try {
        l(...args);
      } catch (err) {
        console.error('device listener failed', err);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}

/** "0x0c2e" / "0C2E" → 0x0c2e. */
export function parseUsbId(hex: string | undefined): number | undefined {
  if (hex === undefined) return undefined;
  return parseInt(hex.replace(/^0x/i, ''), 16);
}

/**
 * devices.json's port → what openSerialLink takes (USB ids are compared without "0x" by
 * resolveSerialPath, so they pass through as configured).
 */
export function serialTarget(p: SerialPortConfig): SerialTarget {
  return {
    ...(p.path !== undefined ? { path: p.path } : {}),
    ...(p.vendorId !== undefined ? { vendorId: p.vendorId } : {}),
    ...(p.productId !== undefined ? { productId: p.productId } : {}),
    ...(p.serialNumber !== undefined ? { serialNumber: p.serialNumber } : {}),
    baudRate: p.baudRate,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
