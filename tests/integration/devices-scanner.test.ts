/**
 * Serial barcode scanners end to end over real pseudo-terminals (socat): the driver under a
 * DeviceSupervisor on one end, the scanner simulator on the other, typing codes in pieces.
 * Killing socat is pulling the cable; a new pair at the same paths is plugging it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceError } from '../../electron/devices/common/errors';
import { ScannerSchema } from '../../electron/devices/config';
import { superviseScanner } from '../../electron/devices/scanner';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import { ScannerSim } from '../../electron/devices/sim/scannerSim';
import { DeviceEventSchema, type DeviceHealth, type Scan } from '../../shared/devices/contract';
import { until } from '../support/until';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function rig(config: object) {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-scan-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pairs: PtyPair[] = [await openPtyPair(dir)];
  cleanups.push(() => Promise.all(pairs.map((p) => p.kill())).then(() => {}));
  const sims: ScannerSim[] = [await ScannerSim.open(pairs[0]!.peer)];
  cleanups.push(() => Promise.all(sims.map((s) => s.close())).then(() => {}));

  const scans: Scan[] = [];
  const health: DeviceHealth[] = [];
  const errors: DeviceError[] = [];
  const cfg = ScannerSchema.parse({ ...config, port: { path: pairs[0]!.device, baudRate: 9600 } });
  const { supervisor } = superviseScanner(cfg, {
    toScreens: (e) => {
      const ev = DeviceEventSchema.parse(e);
      if (ev.type === 'scan') scans.push(ev.scan);
    },
    onHealth: (h) => health.push(h),
    onError: (e) => errors.push(e),
    baseMs: 50,
    capMs: 200,
  });
  cleanups.push(() => supervisor.stop());
  const state = () => health.at(-1)?.state;
  return {
    dir,
    scans,
    health,
    errors,
    supervisor,
    state,
    sim: () => sims.at(-1)!,
    // Pulling the cable: socat dies, and the simulator's end goes with it.
    unplug: async () => {
      await pairs.at(-1)!.kill();
      await sims.at(-1)!.close();
    },
    replug: async () => {
      const p = await openPtyPair(dir);
      pairs.push(p);
      sims.push(await ScannerSim.open(p.peer));
    },
  };
}

describe('serial scanner over socat pty pairs, under a DeviceSupervisor', () => {
  it('CR / CRLF suffix: codes in pieces, AIM and GBK; unplug → missing; replug → scans again', { timeout: 20_000 }, async () => {
    const r = await rig({ id: 'scanner-kiosk', type: 'serial', suffix: 'cr' });
    r.supervisor.start();
    await until('the scanner to be ok', () => r.state() === 'ok');

    const qr = 'https://zwfw.example.gov.cn/appointment/verify?code=AB12CD34&t=20261122';
    await r.sim().scan(qr, { aim: ']Q1', splitAt: [1, 3, 20, 50], pauseMs: 5 });
    await r.sim().scan('110101199003077777', { suffix: 'crlf', splitAt: [19], pauseMs: 20 }); // the LF comes alone
    await r.sim().scan('预约号A001', { encoding: 'gbk', aim: ']C0' });
    await until('three scans', () => r.scans.length === 3);
    expect(r.scans).toEqual([
      { text: qr, symbology: ']Q1', source: 'serial' },
      { text: '110101199003077777', source: 'serial' },
      { text: '预约号A001', symbology: ']C0', source: 'serial' },
    ]);

    // Pull the cable in the middle of a code.
    await r.sim().write(new TextEncoder().encode('HALF'));
    await new Promise((res) => setTimeout(res, 50));
    await r.unplug();
    await until('missing', () => r.state() === 'missing');
    expect(r.supervisor.health.message.zh).toContain('可手工输入号码');

    // Still unplugged for a few attempts, then back at the same path.
    await new Promise((res) => setTimeout(res, 400));
    expect(r.state()).toBe('missing');
    await r.replug();
    await until('ok again', () => r.state() === 'ok');
    await r.sim().scan('A002', { suffix: 'crlf' });
    await until('the scan after replug', () => r.scans.length === 4);
    expect(r.scans[3]).toEqual({ text: 'A002', source: 'serial' });
    expect(r.health.map((h) => h.state)).toEqual(expect.arrayContaining(['ok', 'missing', 'ok']));
  });

  it("suffix 'none': a code ends when the bytes stop; pieces within the gap are one code", { timeout: 20_000 }, async () => {
    const r = await rig({ id: 'scanner-counter', type: 'serial', suffix: 'none', interByteMs: 80 });
    r.supervisor.start();
    await until('the scanner to be ok', () => r.state() === 'ok');
    await r.sim().scan('A0012345', { suffix: 'none', splitAt: [2, 5], pauseMs: 15 });
    await until('one scan', () => r.scans.length === 1);
    await new Promise((res) => setTimeout(res, 150));
    await r.sim().scan(']Q1B002', { suffix: 'none' });
    await until('two scans', () => r.scans.length === 2);
    expect(r.scans).toEqual([
      { text: 'A0012345', source: 'serial' },
      { text: 'B002', symbology: ']Q1', source: 'serial' },
    ]);
    expect(r.errors).toEqual([]);
  });
});
