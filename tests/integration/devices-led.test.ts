/**
 * The window LED strip end to end over real pseudo-terminals (socat): LedStrip under a
 * DeviceSupervisor, the strip simulator parsing frames (checksum verified) on the other end.
 * Unplug (kill socat) → missing; replug at the same paths → the strip shows the last text again
 * on its own, and new texts work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LedSchema } from '../../electron/devices/config';
import { resolveLedFrame, superviseLed } from '../../electron/devices/led';
import { LedSim } from '../../electron/devices/sim/ledSim';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import type { DeviceHealth } from '../../shared/devices/contract';
import { until } from '../support/until';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('LED strip over socat pty pairs, under a DeviceSupervisor', () => {
  it("sum-3a-0a: GB2312 texts with verified checksums, 300 ms apart; unplug → missing; replug → shows the last text again", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-led-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pairs: PtyPair[] = [await openPtyPair(dir)];
    cleanups.push(() => Promise.all(pairs.map((p) => p.kill())).then(() => {}));
    const spec = resolveLedFrame('sum-3a-0a', 5);
    const sims: LedSim[] = [await LedSim.open(pairs[0]!.peer, spec)];
    cleanups.push(() => Promise.all(sims.map((s) => s.close())).then(() => {}));

    const health: DeviceHealth[] = [];
    const cfg = LedSchema.parse({ id: 'led-w5', port: { path: pairs[0]!.device, baudRate: 9600 }, frame: 'sum-3a-0a', address: 5 });
    const { supervisor, driver } = superviseLed(cfg, { onHealth: (h) => health.push(h), baseMs: 50, capMs: 200 });
    cleanups.push(() => supervisor.stop());
    const state = () => health.at(-1)?.state;
    supervisor.start();
    await until('ok', () => state() === 'ok');

    const texts = ['请A001到5号窗口', 'A001 → 5', '暂停服务'];
    await Promise.all(texts.map((t) => driver.show(t)));
    const sim = sims[0]!;
    await sim.waitFor((s) => s.frames.length === 3);
    expect(sim.frames.map((f) => [f.address, f.text])).toEqual(texts.map((t) => [5, t]));
    expect(sim.discarded).toEqual([]);
    expect(sim.shows(5)).toBe('暂停服务');
    for (let i = 1; i < sim.frames.length; i++) expect(sim.frames[i]!.at - sim.frames[i - 1]!.at).toBeGreaterThanOrEqual(280);
    expect(sim.frames[2]!.raw).toBe('3a 05 d4 dd cd a3 b7 fe ce f1 9a 0a');

    // Text the strip cannot show never reaches the wire.
    await expect(driver.show('A001 😀')).rejects.toMatchObject({ kind: 'config', code: 'led-unencodable' });

    // Unplug: missing; a text given meanwhile is kept.
    await pairs[0]!.kill();
    await sim.close();
    await until('missing', () => state() === 'missing');
    expect(supervisor.health.message.zh).toContain('叫号仍显示在大厅显示屏上');
    await expect(driver.show('请A002到5号窗口')).rejects.toMatchObject({ kind: 'unavailable' });

    // Replug at the same paths: the strip gets the current text without anyone asking.
    const pair2 = await openPtyPair(dir);
    pairs.push(pair2);
    const sim2 = await LedSim.open(pair2.peer, spec);
    sims.push(sim2);
    await until('ok again', () => state() === 'ok');
    await sim2.waitFor((s) => s.shows(5) === '请A002到5号窗口');
    await driver.show('A002 → 5');
    await sim2.waitFor((s) => s.shows(5) === 'A002 → 5');
    expect(sim2.discarded).toEqual([]);
  });

  it('plain-01-07 (ASCII) and a frame described in devices.json (xor, two-byte start/end)', { timeout: 20_000 }, async () => {
    const run = async (frame: unknown, texts: string[]) => {
      const pair = await openPtyPair();
      cleanups.push(() => pair.kill());
      const cfg = LedSchema.parse({ port: { path: pair.device }, frame, address: 2 });
      const { supervisor, driver } = superviseLed(cfg, { onHealth: () => {} });
      cleanups.push(() => supervisor.stop());
      const sim = await LedSim.open(pair.peer, resolveLedFrame(cfg.frame, 2));
      cleanups.push(() => sim.close());
      supervisor.start();
      await until('ok', () => supervisor.health.state === 'ok');
      for (const t of texts) void driver.show(t);
      await sim.waitFor((s) => s.frames.length === texts.length);
      expect(sim.frames.map((f) => f.text)).toEqual(texts);
      expect(sim.discarded).toEqual([]);
      return { sim, driver };
    };
    const plain = await run('plain-01-07', ['A001 5', 'PAUSED']);
    expect(plain.sim.frames[0]!.raw).toBe('01 02 41 30 30 31 20 35 07');
    expect(plain.sim.frames[1]!.at - plain.sim.frames[0]!.at).toBeGreaterThanOrEqual(280);
    await expect(plain.driver.show('A001 → 5')).rejects.toThrow(/"→"/);

    const custom = await run({ start: [0xaa, 0x55], end: [0x0d, 0x0a], checksum: 'xor', encoding: 'gbk', gapMs: 50 }, ['请A001到5号窗口', '暂停服务']);
    expect(custom.sim.frames[1]!.raw.startsWith('aa 55 02 ')).toBe(true);
  });
});
