/**
 * Issue 16: scanners against the bytes real ones send (tests/fixtures/devices/scanner/, sources
 * in its README), replayed through the real drivers over a fake link: HID POS reports (a
 * published Honeywell capture, and reports laid out as Honeywell documents them) and serial
 * output with each published end-of-code setting. What the kiosk gets is a Scan with the right
 * text; damaged input is refused and reported, never delivered, never a crash.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceError } from '../../electron/devices/common/errors';
import { nativeOverrides } from '../../electron/devices/common/native';
import { ScannerSchema } from '../../electron/devices/config';
import { createScanner, superviseScanner } from '../../electron/devices/scanner';
import type { HidDeviceInfo } from '../../electron/devices/scanner/hidLink';
import { HidPosScanner } from '../../electron/devices/scanner/hidPos';
import { hidPosReports } from '../../electron/devices/scanner/hidPosFramer';
import type { SerialScanner } from '../../electron/devices/scanner/serial';
import { ScannerSim } from '../../electron/devices/sim/scannerSim';
import { DeviceEventSchema, ScanSchema, type DeviceEvent, type DeviceHealth, type Scan } from '../../shared/devices/contract';
import { hex, loadTrace, replayLink } from '../fixtures/devices/traces';

interface HidTrace {
  name: string;
  reports: string[];
  after_gap?: string[];
  messages: Array<{ aim: string; text: string }>;
}
interface SerialTrace {
  name: string;
  suffix: 'cr' | 'crlf' | 'tab' | 'stx-etx' | 'none';
  codeId: boolean;
  bytes: string;
  after_gap?: string;
  messages: Array<{ text: string; aim?: string }>;
}
const hid = loadTrace<{ published: HidTrace[]; layout: HidTrace[]; damaged: HidTrace[] }>('scanner', 'hid-pos-honeywell.json');
const serial = loadTrace<{ traces: SerialTrace[]; damaged: SerialTrace[] }>('scanner', 'serial-suffixes.json');

afterEach(() => vi.useRealTimers());

/** A HID POS scanner fed the reports one input report at a time, as node-hid delivers them. */
async function hidRun(t: HidTrace, gapMs = 0) {
  let now = 1_000;
  const d = new HidPosScanner({ id: 'kiosk-scanner', packetGapMs: 250, now: () => now });
  const scans: Scan[] = [];
  const errors: DeviceError[] = [];
  d.onScan((s) => scans.push(ScanSchema.parse(s)));
  d.onError((e) => errors.push(e));
  const link = replayLink();
  await d.attach(link);
  for (const r of t.reports) {
    link.push(hex(r));
    now += 5;
  }
  await new Promise((r) => setImmediate(r));
  if (t.after_gap) {
    now += gapMs;
    for (const r of t.after_gap) link.push(hex(r));
    await new Promise((r) => setImmediate(r));
  }
  d.detach();
  return { scans, errors };
}

const scanOf = (m: { text: string; aim?: string }, source: Scan['source']): Scan => ({ text: m.text.replace(/[\r\n]+$/, ''), source, ...(m.aim ? { symbology: m.aim } : {}) });

describe('HID POS: published and documented reports through HidPosScanner', () => {
  it.each([...hid.published, ...hid.layout].map((t) => [t.name, t] as const))('%s', async (_, t) => {
    const { scans, errors } = await hidRun(t);
    expect(scans).toEqual(t.messages.map((m) => scanOf(m, 'hid-pos')));
    expect(errors).toEqual([]);
  });

  it('the Honeywell capture reads as the scanner meant it: one answer over six reports, then the command echo', async () => {
    const { scans } = await hidRun(hid.published[0]!);
    expect(scans).toHaveLength(2);
    expect(scans[0]!.text).toMatch(/^Product Name: Voyager 1602g\r\nBoot Revision/);
    expect(scans[0]!.text).toMatch(/Serial Number: 15232B1F0C\r\n/);
    expect(scans[0]!.text.endsWith('Checksum: N/A')).toBe(true);
    expect(scans[1]).toMatchObject({ symbology: ']Z6' });
  });

  it.each(hid.damaged.map((t) => [t.name, t] as const))('damaged: %s — refused and reported, nothing wrong delivered', async (_, t) => {
    const { scans, errors } = await hidRun(t, 1_000);
    expect(scans).toEqual(t.messages.map((m) => scanOf(m, 'hid-pos')));
    if (t.name !== 'empty report (length 0)') expect(errors.length).toBeGreaterThan(0);
  });

  it('the report builder the simulators use writes the documented layout byte for byte (Code ID present and absent)', () => {
    const h = (rs: Uint8Array[]) => rs.map((r) => Buffer.from(r).toString('hex').replace(/(..)(?=.)/g, '$1 '));
    const [one, three, noId] = hid.layout;
    expect(h(hidPosReports(new TextEncoder().encode(one!.messages[0]!.text), ']Q1', 56, 0x73))).toEqual(one!.reports);
    expect(h(hidPosReports(new TextEncoder().encode(three!.messages[0]!.text), ']Q1', 56, 0x73))).toEqual(three!.reports);
    expect(h(hidPosReports(new TextEncoder().encode('A023'), ']C0'))).toEqual(noId!.reports);
  });

  it('every report split anywhere into chunks still reads the same (a transport that cuts reports)', async () => {
    const t = hid.layout[1]!;
    const all = Buffer.concat(t.reports.map((r) => Buffer.from(hex(r))));
    for (const cut of [1, 5, 63, 64, 65, 100, 191]) {
      const d = new HidPosScanner({ packetGapMs: 250 });
      const scans: Scan[] = [];
      d.onScan((s) => scans.push(s));
      const link = replayLink();
      await d.attach(link);
      link.push(new Uint8Array(all.subarray(0, cut)));
      link.push(new Uint8Array(all.subarray(cut)));
      await new Promise((r) => setImmediate(r));
      expect(scans.map((s) => s.text), `cut at ${cut}`).toEqual([t.messages[0]!.text]);
    }
  });
});

async function serialRun(t: SerialTrace, cuts: number[] = []) {
  vi.useFakeTimers();
  const cfg = ScannerSchema.parse({ type: 'serial', port: { path: '/dev/ttyUSB0' }, suffix: t.suffix, codeId: t.codeId, interByteMs: 50 });
  const link = replayLink();
  const d = createScanner(cfg) as SerialScanner;
  const scans: Scan[] = [];
  const errors: DeviceError[] = [];
  d.onScan((s) => scans.push(ScanSchema.parse(s)));
  d.onError((e) => errors.push(e));
  await d.attach(link);
  const bytes = hex(t.bytes);
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    link.push(bytes.subarray(from, c));
    from = c;
    await vi.advanceTimersByTimeAsync(1);
  }
  await vi.advanceTimersByTimeAsync(t.after_gap ? 2_000 : 100);
  if (t.after_gap) {
    link.push(hex(t.after_gap));
    await vi.advanceTimersByTimeAsync(100);
  }
  d.detach();
  return { scans, errors };
}

describe('serial scanners: every published end-of-code setting through SerialScanner', () => {
  it.each(serial.traces.map((t) => [t.name, t] as const))('%s', async (_, t) => {
    const { scans, errors } = await serialRun(t);
    expect(scans).toEqual(t.messages.map((m) => scanOf(m, 'serial')));
    if (!t.name.includes('followed by CR')) expect(errors).toEqual([]);
  });

  it.each(serial.traces.map((t) => [t.name, t] as const))('%s, cut into pieces anywhere', async (_, t) => {
    const n = hex(t.bytes).length;
    for (const cut of [1, 2, Math.floor(n / 2), n - 1]) {
      const { scans } = await serialRun(t, [cut]);
      expect(scans, `cut at ${cut}`).toEqual(t.messages.map((m) => scanOf(m, 'serial')));
    }
  });

  it.each(serial.damaged.map((t) => [t.name, t] as const))('damaged: %s — refused and reported', async (_, t) => {
    const { scans, errors } = await serialRun(t);
    expect(scans).toEqual(t.messages.map((m) => scanOf(m, 'serial')));
    expect(errors.length).toBeGreaterThan(0);
  });

  it('the scanner simulator writes the same bytes as the traces', () => {
    const code = 'https://zwfw.example.cn/a/Qm9va2luZw';
    const sim = (o: Parameters<typeof ScannerSim.bytes>[1]) => Buffer.from(ScannerSim.bytes(code, o)).toString('hex');
    const t = (name: string) => hex(serial.traces.find((x) => x.name === name)!.bytes);
    const h = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(sim({ suffix: 'cr' })).toBe(h(t('CR suffix (0D)')));
    expect(sim({ suffix: 'crlf' })).toBe(h(t('CRLF suffix (0D 0A)')));
    expect(sim({ suffix: 'cr', aim: ']Q1' })).toBe(h(t('CR suffix with AIM prefix ]Q1')));
    expect(sim({ suffix: 'tab' })).toBe(h(t('TAB suffix (09)')));
    expect(sim({ suffix: 'none' })).toBe(h(t('no suffix (the code ends when the bytes stop)')));
    expect(sim({ suffix: 'stx-etx' })).toBe(h(t('STX ... ETX')));
    expect(sim({ suffix: 'stx-etx', codeId: 's' })).toBe(h(t('STX Code ID ... ETX (Honeywell N3680, Code ID s = QR)')));
    expect(sim({ suffix: 'stx-etx', codeId: 's', eot: true })).toBe(h(t('STX Code ID ... EOT (Honeywell N3680)')));
  });
});

describe('HID POS end to end: the published capture through node-hid (a stand-in), the supervisor and the screens', () => {
  afterEach(() => nativeOverrides.delete('node-hid'));

  it('a Honeywell 1400g (0C2E:0B8F) is opened at its usage page 0x8C interface, not its keyboard one, and every code reaches the screens', async () => {
    const opened: Array<EventEmitter & { path: string; features: number[][] }> = [];
    class Device extends EventEmitter {
      readonly features: number[][] = [];
      constructor(readonly path: string) {
        super();
        opened.push(this);
      }
      write(values: number[]): number {
        return values.length;
      }
      sendFeatureReport(data: number[]): number {
        this.features.push(data);
        return data.length;
      }
      close(): void {
        this.removeAllListeners();
      }
    }
    const list: HidDeviceInfo[] = [
      { vendorId: 0x0c2e, productId: 0x0b8f, path: '/dev/hidraw1', usagePage: 0x01, usage: 0x06, product: 'Voyager 1400g (keyboard)' },
      { vendorId: 0x0c2e, productId: 0x0b8f, path: '/dev/hidraw2', usagePage: 0x8c, usage: 0x02, product: 'Voyager 1400g' },
    ];
    nativeOverrides.set('node-hid', { devices: () => list, HID: Device });
    const events: DeviceEvent[] = [];
    const health: DeviceHealth[] = [];
    const cfg = ScannerSchema.parse({ id: 'kiosk-scanner', type: 'hid-pos', vendorId: '0c2e', productId: '0b8f' });
    const { supervisor } = superviseScanner(cfg, { toScreens: (e) => events.push(DeviceEventSchema.parse(e)), onHealth: (h) => health.push(h), baseMs: 20, capMs: 50 });
    supervisor.start();
    await expect.poll(() => health.at(-1)?.state).toBe('ok');
    expect(opened.map((d) => d.path)).toEqual(['/dev/hidraw2']);
    // Put into HID POS mode as the published WebHID library does for Honeywell: feature report FE = 01.
    await expect.poll(() => opened[0]!.features).toEqual([[0xfe, 0x01]]);
    const all = [...hid.published, ...hid.layout];
    for (const t of all) for (const r of t.reports) opened[0]!.emit('data', Buffer.from(hex(r)));
    await supervisor.stop();
    const scans = events.flatMap((e) => (e.type === 'scan' ? [e.scan] : []));
    expect(scans).toEqual(all.flatMap((t) => t.messages.map((m) => scanOf(m, 'hid-pos'))));
  });
});
