/**
 * Evaluators end to end over real pseudo-terminals (socat): a button evaluator sending key-code
 * bytes, and an RS-485 keypad bus with several addresses, noise and truncated frames, each
 * under a DeviceSupervisor; unplug (kill socat) → missing, replug at the same paths → works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceError } from '../../electron/devices/common/errors';
import { EvaluatorSchema } from '../../electron/devices/config';
import { superviseEvaluator } from '../../electron/devices/evaluator';
import { EvaluatorSim } from '../../electron/devices/sim/evaluatorSim';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import { DeviceEventSchema, type DeviceHealth, type EvaluatorKey } from '../../shared/devices/contract';
import { until } from '../support/until';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const KEYMAP = { '31': 5, '32': 4, '33': 3, '34': 2, '35': 1 };

async function rig(config: object) {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-eval-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pairs: PtyPair[] = [await openPtyPair(dir)];
  cleanups.push(() => Promise.all(pairs.map((p) => p.kill())).then(() => {}));
  const sims: EvaluatorSim[] = [await EvaluatorSim.open(pairs[0]!.peer)];
  cleanups.push(() => Promise.all(sims.map((s) => s.close())).then(() => {}));

  const keys: EvaluatorKey[] = [];
  const health: DeviceHealth[] = [];
  const errors: DeviceError[] = [];
  const cfg = EvaluatorSchema.parse({ ...config, keymap: KEYMAP, port: { path: pairs[0]!.device, baudRate: 9600 } });
  const { supervisor } = superviseEvaluator(cfg, {
    toScreens: (e) => {
      const ev = DeviceEventSchema.parse(e);
      if (ev.type === 'evaluator-key') keys.push(ev.key);
    },
    onHealth: (h) => health.push(h),
    onError: (e) => errors.push(e),
    baseMs: 50,
    capMs: 200,
  });
  cleanups.push(() => supervisor.stop());
  return {
    keys,
    errors,
    health,
    supervisor,
    levels: () => keys.map((k) => k.level),
    state: () => health.at(-1)?.state,
    sim: () => sims.at(-1)!,
    // Pulling the cable: socat dies, and the simulator's end goes with it.
    unplug: async () => {
      await pairs.at(-1)!.kill();
      await sims.at(-1)!.close();
    },
    replug: async () => {
      const p = await openPtyPair(dir);
      pairs.push(p);
      sims.push(await EvaluatorSim.open(p.peer));
    },
  };
}

describe('evaluators over socat pty pairs, under a DeviceSupervisor', () => {
  it('serial key codes: presses become levels, unknown bytes are reported; unplug → missing; replug → works', { timeout: 20_000 }, async () => {
    const r = await rig({ id: 'eval-w5', type: 'serial-key' });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');

    await r.sim().press(0x31);
    await r.sim().press(0x35);
    await r.sim().garbage([0xfe]);
    await r.sim().press(0x33);
    await until('three keys', () => r.keys.length === 3);
    expect(r.keys).toEqual([
      { deviceId: 'eval-w5', level: 5 },
      { deviceId: 'eval-w5', level: 1 },
      { deviceId: 'eval-w5', level: 3 },
    ]);
    await until('the unknown key report', () => r.errors.length === 1);
    expect([r.errors[0]!.code, r.errors[0]!.raw]).toEqual(['unknown-key', 'fe']);

    await r.unplug();
    await until('missing', () => r.state() === 'missing');
    expect(r.supervisor.health.message.en).toContain('ratings can still be given on screen');
    await r.replug();
    await until('ok again', () => r.state() === 'ok');
    await r.sim().press(0x32);
    await until('the key after replug', () => r.keys.length === 4);
    expect(r.levels()).toEqual([5, 1, 3, 4]);
  });

  it('RS-485 keypads: only its own address, resync after noise and truncated frames; unplug → missing; replug → works', { timeout: 20_000 }, async () => {
    const r = await rig({ id: 'eval-w5', type: 'rs485', address: 5 });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');

    await r.sim().pressFrame(5, 0x31, { splitAt: [1, 2, 3], pauseMs: 10 });
    await r.sim().pressFrame(3, 0x35); // another window's keypad on the bus
    await r.sim().garbage([0xff, 0x00, 0x55]);
    await r.sim().garbage([0x01, 0x05]); // a frame cut short
    await r.sim().pressFrame(5, 0x34);
    await r.sim().pressFrame(5, 0x39); // a key not in the map
    await r.sim().pressFrame(5, 0x33, { splitAt: [2], pauseMs: 30 });
    await until('three keys', () => r.keys.length === 3);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.keys).toEqual([
      { deviceId: 'eval-w5', level: 5 },
      { deviceId: 'eval-w5', level: 2 },
      { deviceId: 'eval-w5', level: 3 },
    ]);
    expect(r.errors.map((e) => e.code)).toEqual(['garbage', 'garbage', 'unknown-key']);
    expect(r.errors.at(-1)!.raw).toBe('01 05 39 07');

    await r.unplug();
    await until('missing', () => r.state() === 'missing');
    await r.replug();
    await until('ok again', () => r.state() === 'ok');
    await r.sim().pressFrame(5, 0x32);
    await until('the key after replug', () => r.keys.length === 4);
    expect(r.levels()).toEqual([5, 2, 3, 4]);
  });
});
