/**
 * Issue 17: device faults reach the admin. What a terminal writes to the hall's log from its
 * devices' health: faults and warnings with plain words, clearing when fixed, nothing twice after
 * a restart, only the devices the terminal answers for, and a flapping device never spends the
 * server's quota of visible device events (the last word still goes out).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deviceCondition, wordsFor } from '../../shared/devices/condition';
import type { DeviceHealth } from '../../shared/devices/contract';
import { logDeviceHealth, type RecordedDevice } from '../../renderer/devices/healthLog';
import { deviceFaultLines } from '../../renderer/admin/live/deviceFaults';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { FakeDevices } from '../support/fakeDevices';
import { MINUTE, makeHall } from '../support/hall';

const row = (o: Partial<DeviceHealth> & Pick<DeviceHealth, 'state'>): DeviceHealth => ({
  id: 'printer',
  kind: 'printer',
  message: { zh: '打印机状态 10 04 04', en: 'DLE EOT 4 answered 7E' },
  since: 0,
  ...o,
});

function setup(o: { recorded?: Record<string, RecordedDevice>; only?: Parameters<typeof logDeviceHealth>[0]['only']; rows?: DeviceHealth[]; holdMs?: number } = {}) {
  const devices = new FakeDevices();
  devices.healthRows = o.rows ?? [];
  const written: Array<{ type: string } & Record<string, unknown>> = [];
  const stop = logDeviceHealth({
    devices,
    author: async (type, payload) => void written.push({ type, ...(payload as object) }),
    recorded: (d) => o.recorded?.[d],
    ...(o.only ? { only: o.only } : {}),
    pollMs: 0,
    holdMs: o.holdMs ?? 0,
  });
  const push = (h: DeviceHealth) => devices.emit({ type: 'health', health: h });
  return { devices, written, stop, push };
}

describe('device health into the hall log (issue 17: faults reach the admin)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('paper out is a fault with plain words for the manager, the driver detail kept for support', async () => {
    const t = setup();
    t.push(row({ state: 'ok' }));
    t.push(row({ state: 'fault', code: 'paper-out', raw: '12 12 12 7e' }));
    expect(t.written).toEqual([
      expect.objectContaining({ type: 'device.fault', device: 'printer', code: 'paper-out', severity: 'fault', raw: '12 12 12 7e', words: { zh: '打印纸用完了，请更换纸卷', en: 'Out of paper: load a new roll' } }),
    ]);
    expect(t.written[0]!.message).toContain('DLE EOT');
  });

  it('paper near end is a warning (the printer still prints), and paper out after it a fault', () => {
    const t = setup();
    t.push(row({ state: 'ok', code: 'paper-near-end' }));
    t.push(row({ state: 'fault', code: 'paper-out' }));
    t.push(row({ state: 'ok' }));
    expect(t.written.map((w) => [w.type, w.severity, w.code])).toEqual([
      ['device.fault', 'warning', 'paper-near-end'],
      ['device.fault', 'fault', 'paper-out'],
      ['device.recovered', undefined, undefined],
    ]);
  });

  it('a printer unplugged is "missing" once, however the driver words each retry; plugged back, it clears', () => {
    const t = setup();
    t.push(row({ state: 'missing', code: 'disconnected' }));
    t.push(row({ state: 'missing', code: 'open-failed', message: { zh: '无法连接设备', en: 'ENOENT /dev/ttyUSB0' } }));
    t.push(row({ state: 'connecting' }));
    t.push(row({ state: 'ok' }));
    expect(t.written.map((w) => [w.type, w.code])).toEqual([
      ['device.fault', 'missing'],
      ['device.recovered', undefined],
    ]);
    expect(t.written[0]!.words).toEqual(wordsFor('printer', 'missing', 'fault'));
  });

  it('the device host going away is the printer missing; its own row gives way when a device speaks', () => {
    const t = setup({ only: ['printer'] });
    t.push(row({ id: 'device-host', state: 'missing', code: 'device-host' }));
    t.push(row({ state: 'ok' }));
    expect(t.written.map((w) => [w.type, w.code])).toEqual([
      ['device.fault', 'missing'],
      ['device.recovered', undefined],
    ]);
  });

  it('what the log already says is not written again after a restart, and a fault fixed while off is cleared at start', async () => {
    const same = setup({ recorded: { printer: { ok: false, code: 'paper-out' } }, rows: [row({ state: 'fault', code: 'paper-out' })] });
    await vi.advanceTimersByTimeAsync(0);
    expect(same.written).toEqual([]);
    const fixed = setup({ recorded: { printer: { ok: false, code: 'paper-out' } }, rows: [row({ state: 'ok' })] });
    await vi.advanceTimersByTimeAsync(0);
    expect(fixed.written).toEqual([expect.objectContaining({ type: 'device.recovered', device: 'printer' })]);
  });

  it('a terminal writes only the devices it answers for (web mode shares one device host)', () => {
    const t = setup({ only: ['evaluator'] });
    t.push(row({ state: 'fault', code: 'paper-out' }));
    t.push(row({ id: 'eval', kind: 'evaluator', state: 'missing', code: 'disconnected' }));
    expect(t.written.map((w) => [w.device, w.code])).toEqual([['evaluator', 'missing']]);
  });

  it('a card reader fault (SAM self-test failed) is a fault of the reader in plain words', () => {
    const t = setup();
    t.push(row({ id: 'card', kind: 'card-reader', state: 'fault', code: 'sam-60' }));
    expect(t.written).toEqual([expect.objectContaining({ device: 'card-reader', severity: 'fault', code: 'sam-60', words: wordsFor('card-reader', 'sam-60', 'fault') })]);
    expect(String((t.written[0]!.words as { zh: string }).zh)).toContain('读卡器');
  });

  it('a blip shorter than 1.5 s is not written; a fault that stays is written once it has held', async () => {
    const t = setup({ holdMs: 1500 });
    t.push(row({ id: 'card', kind: 'card-reader', state: 'fault', code: 'sw-80' }));
    await vi.advanceTimersByTimeAsync(300);
    t.push(row({ id: 'card', kind: 'card-reader', state: 'ok' }));
    await vi.advanceTimersByTimeAsync(3000);
    expect(t.written).toEqual([]);
    t.push(row({ state: 'fault', code: 'paper-out' }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.written).toEqual([]);
    await vi.advanceTimersByTimeAsync(600);
    expect(t.written).toEqual([expect.objectContaining({ type: 'device.fault', code: 'paper-out' })]);
  });

  it('a flapping printer writes at most 10 events a minute, and its last condition still goes out', async () => {
    const t = setup();
    for (let i = 0; i < 30; i++) t.push(row({ state: i % 2 ? 'ok' : 'fault', code: i % 2 ? undefined : 'paper-out' } as DeviceHealth));
    expect(t.written).toHaveLength(10);
    // It ends out of paper; the budget frees after a minute and the last word is written.
    t.push(row({ state: 'fault', code: 'paper-out' }));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(t.written.length).toBeLessThanOrEqual(12);
    expect(t.written.at(-1)).toMatchObject({ type: 'device.fault', code: 'paper-out' });
  });
});

describe('device conditions', () => {
  it('connecting says nothing yet; unconfirmed prints are a warning; a silent printer is missing', () => {
    expect(deviceCondition({ kind: 'printer', state: 'connecting' })).toBeUndefined();
    expect(deviceCondition({ kind: 'printer', state: 'ok', code: 'unconfirmed' })).toMatchObject({ severity: 'warning', code: 'unconfirmed' });
    expect(deviceCondition({ kind: 'printer', state: 'fault', code: 'status-timeout' })).toMatchObject({ severity: 'fault', code: 'missing' });
    expect(deviceCondition({ kind: 'trigger', state: 'fault', code: 'garbage' })?.words?.zh).toContain('高拍仪');
  });
});

describe('the admin sees device faults and warnings in plain words (R17, issue 17)', () => {
  it('paper near end is a warning alert, paper out a critical one, each with how long it has lasted; recovered clears both', () => {
    const h = makeHall();
    const kiosk = h.terminal('kiosk-1');
    h.emit(kiosk, 'device.fault', { device: 'printer', code: 'paper-near-end', severity: 'warning', words: wordsFor('printer', 'paper-near-end', 'warning'), message: '纸卷即将用完 / DLE EOT 4: 1e' });
    h.advance(3 * MINUTE);
    let m = liveModel(h.fold.state, h.now());
    expect(m.alerts).toMatchObject([{ key: 'device-fault:kiosk-1/printer', severity: 'warning' }]);
    expect(m.alerts[0]!.text.zh).toBe('kiosk-1 的打印机需要处理：打印纸快用完了，请准备更换纸卷（已 3 分钟）');
    expect(m.alerts[0]!.text.en).not.toMatch(/DLE|EOT/);
    h.emit(kiosk, 'device.fault', { device: 'printer', code: 'paper-out', severity: 'fault', message: 'x' });
    m = liveModel(h.fold.state, h.now());
    expect(m.alerts).toMatchObject([{ severity: 'critical' }]);
    expect(m.alerts[0]!.text.zh).toContain('打印纸用完了');
    expect(deviceFaultLines(h.fold.state)).toMatchObject([{ terminal: 'kiosk-1', device: 'printer', severity: 'fault', detail: 'paper-out · x' }]);
    h.emit(kiosk, 'device.recovered', { device: 'printer' });
    expect(liveModel(h.fold.state, h.now()).alerts).toEqual([]);
  });
});
