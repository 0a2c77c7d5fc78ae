/**
 * Issue 16: the FF 68 bus (an open-source queue system's four-key evaluators and window digit
 * displays; tests/fixtures/devices/{evaluator,led}/) end to end over real socat pty pairs: the
 * drivers under their DeviceSupervisors, the simulators on the far ends speaking the published
 * frames. A citizen's key reaches the screens as a rating and the evaluator gets the published
 * acknowledgement; the counter's strip text reaches the display as the published frame.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvaluatorSchema, LedSchema } from '../../electron/devices/config';
import { superviseEvaluator } from '../../electron/devices/evaluator';
import { superviseLed } from '../../electron/devices/led';
import { EvaluatorSim } from '../../electron/devices/sim/evaluatorSim';
import { LedSim } from '../../electron/devices/sim/ledSim';
import { openPtyPair } from '../../electron/devices/sim/ptyPair';
import { DeviceEventSchema, type DeviceHealth, type EvaluatorKey } from '../../shared/devices/contract';
import { hex, loadTrace } from '../fixtures/devices/traces';
import { until } from '../support/until';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function pty() {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-ff68-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pair = await openPtyPair(dir);
  cleanups.push(() => pair.kill());
  return pair;
}

const hx = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('hex').replace(/(..)(?=.)/g, '$1 ');

describe('FF 68 bus over socat ptys', () => {
  it('four-key evaluator: published ratings arrive as levels, each acknowledged as the source does; other addresses and damage are not ratings', { timeout: 20_000 }, async () => {
    const fx = loadTrace<{ keymap: Record<string, 1 | 2 | 3 | 4 | 5>; fromDevice: Array<{ bytes: string; level: number | null; answer: string | null }>; damaged: Array<{ bytes: string }> }>('evaluator', 'ff68.json');
    const pair = await pty();
    const sim = await EvaluatorSim.open(pair.peer);
    cleanups.push(() => sim.close());
    const keys: EvaluatorKey[] = [];
    const health: DeviceHealth[] = [];
    const cfg = EvaluatorSchema.parse({ id: 'window-1-evaluator', type: 'ff68', port: { path: pair.device, baudRate: 9600 }, address: 1, keymap: fx.keymap });
    const { supervisor } = superviseEvaluator(cfg, {
      toScreens: (e) => {
        const ev = DeviceEventSchema.parse(e);
        if (ev.type === 'evaluator-key') keys.push(ev.key);
      },
      onHealth: (h) => health.push(h),
      baseMs: 50,
      capMs: 200,
    });
    cleanups.push(() => supervisor.stop());
    supervisor.start();
    await until('the evaluator to be ok', () => health.at(-1)?.state === 'ok');

    for (const d of fx.damaged) await sim.write(hex(d.bytes), { splitAt: [2, 5], pauseMs: 3 });
    const expectedLevels: number[] = [];
    const expectedAnswers: string[] = [];
    for (const t of fx.fromDevice) {
      await sim.write(hex(t.bytes), { splitAt: [1, 6], pauseMs: 3 });
      if (t.level !== null) expectedLevels.push(t.level);
      if (t.answer !== null) expectedAnswers.push(t.answer);
      await until('the frame to be handled', () => keys.length === expectedLevels.length && hx(sim.received) === expectedAnswers.join(' '));
    }
    await sim.pressFf68(1, 0x02);
    await until('the simulator press', () => keys.length === expectedLevels.length + 1);
    expect(keys.map((k) => k.level)).toEqual([...expectedLevels, 4]);
    expect(keys.every((k) => k.deviceId === 'window-1-evaluator')).toBe(true);
  });

  it('window digit display: the counter texts reach the display as the published frames', { timeout: 20_000 }, async () => {
    const fx = loadTrace<{ strip: Array<{ text: string; bytes: string; shows: string }> }>('led', 'ff68-display.json');
    const pair = await pty();
    const sim = await LedSim.open(pair.peer, 'ff68-digits');
    cleanups.push(() => sim.close());
    const health: DeviceHealth[] = [];
    const cfg = LedSchema.parse({ id: 'window-1-led', port: { path: pair.device, baudRate: 9600 }, frame: 'ff68-digits', address: 1 });
    const { supervisor, driver } = superviseLed(cfg, { onHealth: (h) => health.push(h), baseMs: 50, capMs: 200 });
    cleanups.push(() => supervisor.stop());
    supervisor.start();
    await until('the display to be ok', () => health.at(-1)?.state === 'ok');
    const sample = fx.strip.slice(0, 4);
    for (const t of sample) await driver.show(t.text);
    await sim.waitFor((s) => s.frames.length === sample.length);
    expect(sim.frames.map((f) => f.raw)).toEqual(sample.map((t) => t.bytes));
    expect(sim.frames.map((f) => f.text)).toEqual(sample.map((t) => t.shows));
    expect(sim.shows(1)).toBe(sample.at(-1)!.shows);
    expect(sim.discarded).toEqual([]);
  });
});
