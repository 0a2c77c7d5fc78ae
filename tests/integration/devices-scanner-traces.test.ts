/**
 * Issue 16: the published serial scanner traces (tests/fixtures/devices/scanner/) over a real
 * socat pty pair, end to end: the trace's bytes written by the far end in pieces, the real
 * driver under its DeviceSupervisor, scans as the screens receive them (DeviceEvent 'scan').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScannerSchema } from '../../electron/devices/config';
import { superviseScanner } from '../../electron/devices/scanner';
import { openPtyPair } from '../../electron/devices/sim/ptyPair';
import { ScannerSim } from '../../electron/devices/sim/scannerSim';
import { DeviceEventSchema, type DeviceHealth, type Scan } from '../../shared/devices/contract';
import { hex, loadTrace } from '../fixtures/devices/traces';
import { until } from '../support/until';

interface SerialTrace {
  name: string;
  suffix: 'cr' | 'crlf' | 'tab' | 'stx-etx' | 'none';
  codeId: boolean;
  bytes: string;
  messages: Array<{ text: string; aim?: string }>;
}
const serial = loadTrace<{ traces: SerialTrace[] }>('scanner', 'serial-suffixes.json');

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('serial scanner traces over a socat pty, through the supervised driver', () => {
  const groups = new Map<string, SerialTrace[]>();
  for (const t of serial.traces) {
    const key = `${t.suffix}${t.codeId ? '+codeId' : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  it.each([...groups].map(([k, ts]) => [k, ts] as const))('%s: every trace is delivered with the right text', { timeout: 20_000 }, async (_, traces) => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-scantrace-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pair = await openPtyPair(dir);
    cleanups.push(() => pair.kill());
    const sim = await ScannerSim.open(pair.peer);
    cleanups.push(() => sim.close());
    const first = traces[0]!;
    const scans: Scan[] = [];
    const health: DeviceHealth[] = [];
    const cfg = ScannerSchema.parse({ type: 'serial', port: { path: pair.device, baudRate: 9600 }, suffix: first.suffix, codeId: first.codeId, interByteMs: 60 });
    const { supervisor } = superviseScanner(cfg, {
      toScreens: (e) => {
        const ev = DeviceEventSchema.parse(e);
        if (ev.type === 'scan') scans.push(ev.scan);
      },
      onHealth: (h) => health.push(h),
      baseMs: 50,
      capMs: 200,
    });
    cleanups.push(() => supervisor.stop());
    supervisor.start();
    await until('the scanner to be ok', () => health.at(-1)?.state === 'ok');
    const expected: Scan[] = [];
    for (const t of traces) {
      const bytes = hex(t.bytes);
      await sim.write(bytes, { splitAt: [3, Math.floor(bytes.length / 2)], pauseMs: 5 });
      for (const m of t.messages) expected.push({ text: m.text, source: 'serial', ...(m.aim ? { symbology: m.aim } : {}) });
      await until(`${t.name} to arrive`, () => scans.length === expected.length);
      if (first.suffix === 'none') await new Promise((r) => setTimeout(r, 150)); // the gap that ends a code
    }
    expect(scans).toEqual(expected);
  });
});
