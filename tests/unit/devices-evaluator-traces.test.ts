/**
 * Issue 16: an evaluator protocol as published (the FF 68 bus of an open-source queue system's
 * hardware callers and four-key evaluators; tests/fixtures/devices/evaluator/), replayed through
 * the real driver over a fake serial line: the citizen's key becomes a rating with the right
 * level, the evaluator gets the acknowledgement the source sends, other windows' frames and
 * caller keys are not ratings, damaged frames are refused and the next good one still reads.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceError } from '../../electron/devices/common/errors';
import { EvaluatorSchema } from '../../electron/devices/config';
import { createEvaluator, Ff68Framer, ff68Frame } from '../../electron/devices/evaluator';
import { EvaluatorKeySchema, type EvaluatorKey } from '../../shared/devices/contract';
import { hex, loadTrace, replayLink } from '../fixtures/devices/traces';

interface DeviceTrace {
  name: string;
  bytes: string;
  address: number;
  level: number | null;
  answer: string | null;
}
const fx = loadTrace<{
  keymap: Record<string, 1 | 2 | 3 | 4 | 5>;
  evaluatorAddress: number;
  fromDevice: DeviceTrace[];
  fromHost: Array<{ name: string; bytes: string }>;
  damaged: Array<{ name: string; bytes: string }>;
  afterDamaged: { bytes: string; level: number };
}>('evaluator', 'ff68.json');

async function rig() {
  const cfg = EvaluatorSchema.parse({ id: 'window-3-evaluator', type: 'ff68', port: { path: '/dev/ttyS1', baudRate: 9600 }, address: fx.evaluatorAddress, keymap: fx.keymap });
  const d = createEvaluator(cfg);
  const keys: EvaluatorKey[] = [];
  const errors: DeviceError[] = [];
  d.onKey((k) => keys.push(EvaluatorKeySchema.parse(k)));
  d.onError((e) => errors.push(e));
  const link = replayLink();
  await d.attach(link);
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return { d, link, keys, errors, settle };
}

const h = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?=.)/g, '$1 ');

describe('FF 68 evaluator: published frames through the real driver', () => {
  it.each(fx.fromDevice.map((t) => [t.name, t] as const))('%s', async (_, t) => {
    const r = await rig();
    r.link.push(hex(t.bytes));
    await r.settle();
    expect(r.keys).toEqual(t.level === null ? [] : [{ deviceId: 'window-3-evaluator', level: t.level }]);
    expect(r.link.written.map(h)).toEqual(t.answer === null ? [] : [t.answer]);
    expect(r.errors).toEqual([]);
  });

  it('a rating cut into pieces anywhere still reads once', async () => {
    const bytes = hex(fx.fromDevice[3]!.bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = await rig();
      r.link.push(bytes.subarray(0, cut));
      r.link.push(bytes.subarray(cut));
      await r.settle();
      expect(r.keys.map((k) => k.level), `cut at ${cut}`).toEqual([5]);
    }
  });

  it.each(fx.damaged.map((t) => [t.name, t] as const))('damaged: %s — refused, reported, and the next good rating still reads', async (_, t) => {
    const r = await rig();
    r.link.push(hex(t.bytes));
    r.link.push(hex(fx.afterDamaged.bytes));
    await r.settle();
    expect(r.keys.map((k) => k.level)).toEqual([fx.afterDamaged.level]);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.link.written).toHaveLength(1); // only the good frame is acknowledged
  });

  it('a value not in the key map is reported with its bytes, not turned into a rating', async () => {
    const r = await rig();
    r.link.push(ff68Frame(1, 0x11, [0x07]));
    await r.settle();
    expect(r.keys).toEqual([]);
    expect(r.errors[0]).toMatchObject({ code: 'unknown-key', raw: 'ff 68 03 03 68 01 11 07 19 16' });
  });

  it('the frames the host sends (displays, beep, start evaluation) parse with the same rule: the checksum matches the published ones', () => {
    const got: string[] = [];
    const f = new Ff68Framer({ onDiscard: (hexs, why) => got.push(`discard ${why} ${hexs}`) });
    for (const t of fx.fromHost) for (const frame of f.push(hex(t.bytes))) got.push(`${frame.address}/${frame.func.toString(16)}/${h(frame.data)}`);
    expect(got).toEqual(['1/2/0a 0a 0a 00 02 03', '1/2/00 00 05 0a 0a 0a', '1/3/', '1/2/05', '1/1/0b']);
  });
});

describe('HID keyboard evaluator: a published node-hid capture of a keyboard-mode USB device', () => {
  const kb = loadTrace<{ reports: string[]; keys: string[] }>('evaluator', 'hid-keyboard-node-hid-323.json');

  it('every key press in the capture is read once (releases in between, a modifier chord at the end): keys 1-5 are ratings, the rest reported as unknown', async () => {
    const { HidKeyboardEvaluator } = await import('../../electron/devices/evaluator');
    const d = new HidKeyboardEvaluator({ id: 'pad', keymap: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 }, openLink: async () => replayLink() });
    const keys: EvaluatorKey[] = [];
    const unknown: string[] = [];
    d.onKey((k) => keys.push(k));
    d.onError((e) => unknown.push(e.text.en.replace(/^evaluator pad: key (\S+) is not in the key map$/, '$1')));
    const link = replayLink();
    await d.attach(link);
    for (const r of kb.reports) link.push(hex(r));
    await new Promise((r) => setTimeout(r, 5));
    const pressed = kb.keys;
    expect(keys.map((k) => k.level)).toEqual(pressed.filter((k) => /^[1-5]$/.test(k)).map(Number));
    expect(unknown).toEqual(pressed.filter((k) => !/^[1-5]$/.test(k)));
  });
});
