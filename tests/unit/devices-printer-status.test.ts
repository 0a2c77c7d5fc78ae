import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../electron/devices/common/errors';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import {
  assessStatus,
  isStatusByte,
  parseErrorByte,
  parseOfflineByte,
  parsePaperByte,
  parsePrinterByte,
  parseStatus,
  StatusReader,
  summarizeStatus,
} from '../../electron/devices/printer/status';
import { PrinterSim, simLink } from '../../electron/devices/sim/printerSim';

const OK = [0x12, 0x12, 0x12, 0x12] as const;

describe('DLE EOT answers, bit by bit', () => {
  it('n=1 printer status: bit 3 offline', () => {
    expect(parsePrinterByte(0x12)).toEqual({ offline: false });
    expect(parsePrinterByte(0x1a)).toEqual({ offline: true });
    expect(parsePrinterByte(0x16)).toEqual({ offline: false }); // bit 2 (drawer pin) means nothing to us
  });

  it('n=2 offline cause: bit 2 cover open, bit 5 stopped at paper end, bit 6 error', () => {
    expect(parseOfflineByte(0x12)).toEqual({ coverOpen: false, paperEndStop: false, error: false });
    expect(parseOfflineByte(0x16)).toEqual({ coverOpen: true, paperEndStop: false, error: false });
    expect(parseOfflineByte(0x32)).toEqual({ coverOpen: false, paperEndStop: true, error: false });
    expect(parseOfflineByte(0x52)).toEqual({ coverOpen: false, paperEndStop: false, error: true });
    expect(parseOfflineByte(0x1a)).toEqual({ coverOpen: false, paperEndStop: false, error: false }); // bit 3 = feed button
  });

  it('n=3 error cause: bit 3 cutter, bit 5 unrecoverable, bit 6 auto-recoverable', () => {
    expect(parseErrorByte(0x12)).toEqual({ cutterError: false, unrecoverableError: false, autoRecoverableError: false });
    expect(parseErrorByte(0x1a)).toEqual({ cutterError: true, unrecoverableError: false, autoRecoverableError: false });
    expect(parseErrorByte(0x32)).toEqual({ cutterError: false, unrecoverableError: true, autoRecoverableError: false });
    expect(parseErrorByte(0x52)).toEqual({ cutterError: false, unrecoverableError: false, autoRecoverableError: true });
  });

  it('n=4 paper: bits 2-3 near end, bits 5-6 out (either bit of a pair counts)', () => {
    expect(parsePaperByte(0x12)).toEqual({ paperNearEnd: false, paperOut: false });
    expect(parsePaperByte(0x1e)).toEqual({ paperNearEnd: true, paperOut: false });
    expect(parsePaperByte(0x16)).toEqual({ paperNearEnd: true, paperOut: false });
    expect(parsePaperByte(0x1a)).toEqual({ paperNearEnd: true, paperOut: false });
    expect(parsePaperByte(0x72)).toEqual({ paperNearEnd: false, paperOut: true });
    expect(parsePaperByte(0x32)).toEqual({ paperNearEnd: false, paperOut: true });
    expect(parsePaperByte(0x52)).toEqual({ paperNearEnd: false, paperOut: true });
  });

  it('every byte with the fixed bits parses; every byte without them is refused with its hex', () => {
    let good = 0;
    for (let b = 0; b < 256; b++) {
      const fixed = (b & 0x93) === 0x12;
      expect(isStatusByte(b)).toBe(fixed);
      if (fixed) good++;
    }
    expect(good).toBe(16);
    expect(() => parseStatus([0x12, 0x00, 0x12, 0x12])).toThrow(DeviceError);
    try {
      parseStatus([0x12, 0x12, 0x93, 0x12]);
    } catch (err) {
      expect((err as DeviceError).code).toBe('bad-status');
      expect((err as DeviceError).raw).toBe('12 12 93 12');
    }
  });

  it('parseStatus combines the four answers and keeps them as hex', () => {
    expect(parseStatus([0x1a, 0x36, 0x12, 0x7e])).toEqual({
      offline: true,
      coverOpen: true,
      paperEndStop: true,
      error: false,
      cutterError: false,
      unrecoverableError: false,
      autoRecoverableError: false,
      paperNearEnd: true,
      paperOut: true,
      raw: '1a 36 12 7e',
    });
  });
});

describe('what a status means for a ticket', () => {
  it('ready: ok, no warnings, a bilingual summary', () => {
    const s = parseStatus(OK);
    expect(assessStatus(s)).toEqual({ ok: true, warnings: [], message: { zh: '打印机正常', en: 'the printer is ready' } });
  });

  it('paper near end prints with a warning', () => {
    const a = assessStatus(parseStatus([0x12, 0x12, 0x12, 0x1e]));
    expect(a.ok).toBe(true);
    expect(a.warnings).toEqual(['paper-near-end']);
    expect(a.message.zh).toContain('纸卷即将用完');
  });

  it.each([
    [[0x1a, 0x32, 0x12, 0x72], 'paper-out'],
    [[0x1a, 0x16, 0x12, 0x12], 'cover-open'],
    [[0x1a, 0x52, 0x1a, 0x12], 'cutter-error'],
    [[0x1a, 0x52, 0x32, 0x12], 'unrecoverable-error'],
    [[0x1a, 0x52, 0x52, 0x12], 'recoverable-error'],
    [[0x1a, 0x52, 0x12, 0x12], 'printer-error'],
    [[0x1a, 0x12, 0x12, 0x12], 'offline'],
    [[0x12, 0x32, 0x12, 0x12], 'paper-out'], // stopped at paper end, even if the sensor bits lag
  ] as const)('%j blocks printing with code %s', (bytes, code) => {
    const a = assessStatus(parseStatus(bytes));
    expect(a.ok).toBe(false);
    expect(a.code).toBe(code);
    expect(a.message.zh.length).toBeGreaterThan(0);
    expect(a.message.en.length).toBeGreaterThan(0);
  });

  it('the summary names every condition, in both languages', () => {
    const m = summarizeStatus(parseStatus([0x1a, 0x16, 0x1a, 0x1e]));
    expect(m.zh).toBe('打印机盖未关好；打印机切刀故障；打印机处于离线状态；纸卷即将用完');
    expect(m.en).toBe('the printer cover is open; the printer cutter has jammed; the printer is offline; the paper roll is nearly used up');
  });
});

/** A link that counts listeners of every kind, and a device that may stay silent. */
function countingLink(answer: (req: Uint8Array) => number[] | undefined): ByteLink & { dataListeners(): number; closeListeners(): number; writes: number } {
  const ev = new LinkEvents();
  let data = 0;
  let close = 0;
  const link = {
    description: 'counting',
    writes: 0,
    write: async (b: Uint8Array) => {
      link.writes += 1;
      const a = answer(b);
      if (a) queueMicrotask(() => ev.emitData(Uint8Array.from(a)));
    },
    onData: (l: (c: Uint8Array) => void) => {
      data += 1;
      const off = ev.onData(l);
      return () => {
        data -= 1;
        off();
      };
    },
    onClose: (l: (e?: Error) => void) => {
      close += 1;
      const off = ev.onClose(l);
      return () => {
        close -= 1;
        off();
      };
    },
    close: async () => ev.emitClose(),
    dataListeners: () => data,
    closeListeners: () => close,
  };
  return link;
}

describe('StatusReader: timeouts, no leaked listeners', () => {
  it('1000 status reads leave the listener count unchanged', async () => {
    const sim = new PrinterSim();
    const link = simLink(sim);
    const reader = new StatusReader(link);
    const before = link.listenerCount();
    expect(before).toBe(1);
    for (let i = 0; i < 1000; i++) expect(await reader.read(((i % 4) + 1) as 1 | 2 | 3 | 4, 500)).toBe(0x12);
    expect(link.listenerCount()).toBe(before);
    expect(sim.statusRequests).toHaveLength(1000);
    reader.dispose();
    expect(link.listenerCount()).toBe(0);
  });

  it('reads that time out leave no listener, no timer and no abort handler behind', async () => {
    const link = countingLink(() => undefined); // a silent printer
    const reader = new StatusReader(link);
    const ctl = new AbortController();
    let abortListeners = 0;
    const add = ctl.signal.addEventListener.bind(ctl.signal);
    const remove = ctl.signal.removeEventListener.bind(ctl.signal);
    ctl.signal.addEventListener = ((...a: Parameters<typeof add>) => {
      abortListeners++;
      add(...a);
    }) as typeof add;
    ctl.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      abortListeners--;
      remove(...a);
    }) as typeof remove;
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      const err = await reader.read(1, 5, ctl.signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).kind).toBe('timeout');
      expect((err as DeviceError).code).toBe('status-timeout');
    }
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(link.dataListeners()).toBe(1);
    expect(link.closeListeners()).toBe(0);
    expect(abortListeners).toBe(0);
    // and the reader still works when the device answers again
    reader.dispose();
    const live = countingLink(() => [0x12]);
    const r2 = new StatusReader(live);
    for (let i = 0; i < 1000; i++) await r2.readAll(100, ctl.signal);
    expect(live.dataListeners()).toBe(1);
    expect(abortListeners).toBe(0);
  });

  it('an abort ends the read at once; a late answer is dropped, not taken by the next read', async () => {
    const ev = new LinkEvents();
    let n = 0;
    const link: ByteLink = {
      description: 'late',
      write: async () => {
        n += 1;
        if (n > 1) queueMicrotask(() => ev.emitData(Uint8Array.of(0x1a)));
      },
      onData: (l) => ev.onData(l),
      onClose: (l) => ev.onClose(l),
      close: async () => {},
    };
    const reader = new StatusReader(link);
    const ctl = new AbortController();
    const p = reader.read(1, 10_000, ctl.signal);
    ctl.abort(new DeviceError('timeout', 'aborted', { zh: '取消', en: 'cancelled' }));
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    ev.emitData(Uint8Array.of(0x12)); // the answer to the aborted read, arriving late
    expect(await reader.read(1, 100)).toBe(0x1a);
  });

  it('a byte that is not a status answer is a protocol error with its hex', async () => {
    const reader = new StatusReader(countingLink(() => [0x00]));
    await expect(reader.read(2, 100)).rejects.toMatchObject({ kind: 'protocol', code: 'bad-status', raw: '00' });
  });

  it('a second read while one is pending is refused, not mixed up', async () => {
    const reader = new StatusReader(countingLink(() => undefined));
    const first = reader.read(1, 50);
    await expect(reader.read(2, 50)).rejects.toMatchObject({ code: 'busy' });
    await expect(first).rejects.toMatchObject({ code: 'status-timeout' });
  });

  it('a failed write rejects the read and cleans up', async () => {
    const ev = new LinkEvents();
    const link: ByteLink = {
      description: 'broken',
      write: () => Promise.reject(new DeviceError('transport', 'closed', { zh: '断开', en: 'closed' })),
      onData: (l) => ev.onData(l),
      onClose: (l) => ev.onClose(l),
      close: async () => {},
    };
    const reader = new StatusReader(link);
    await expect(reader.read(1, 1000)).rejects.toMatchObject({ kind: 'transport', code: 'closed' });
    await expect(reader.read(1, 1000)).rejects.toMatchObject({ code: 'closed' }); // not 'busy'
  });
});
