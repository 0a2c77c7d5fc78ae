import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import { DeviceError } from '../../electron/devices/common/errors';
import { nativeOverrides } from '../../electron/devices/common/native';
import { DeviceSupervisor } from '../../electron/devices/common/supervisor';
import { EvaluatorSchema } from '../../electron/devices/config';
import {
  createEvaluator,
  HidKeyboardEvaluator,
  hidKeyName,
  KeypadFramer,
  Rs485Evaluator,
  SerialKeyEvaluator,
  type EvaluatorDriver,
  type KeypadFrame,
} from '../../electron/devices/evaluator';
import type { HidDeviceInfo } from '../../electron/devices/scanner/hidLink';
import { EvaluatorSim } from '../../electron/devices/sim/evaluatorSim';
import type { DeviceHealth, EvaluatorKey } from '../../shared/devices/contract';

function fakeLink() {
  const ev = new LinkEvents();
  const link: ByteLink = {
    description: 'fake',
    write: async () => {},
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: async () => ev.emitClose(),
  };
  return { link, feed: (b: number[] | Uint8Array) => ev.emitData(Uint8Array.from(b)) };
}

async function rig<D extends EvaluatorDriver>(make: (openLink: () => Promise<ByteLink>) => D) {
  const f = fakeLink();
  const d = make(async () => f.link);
  const keys: EvaluatorKey[] = [];
  const errors: DeviceError[] = [];
  d.onKey((k) => keys.push(k));
  d.onError((e) => errors.push(e));
  await d.attach(await d.open());
  return { d, f, keys, errors, levels: () => keys.map((k) => k.level) };
}

const KEYMAP = { '31': 5, '32': 4, '0x33': 3, '34': 2, '35': 1 } as const;

describe('serial key-code evaluator', () => {
  it('maps each key byte through the key map', async () => {
    const r = await rig((openLink) => new SerialKeyEvaluator({ id: 'eval-5', keymap: KEYMAP, openLink }));
    r.f.feed([0x31, 0x33]);
    r.f.feed([0x35]);
    expect(r.keys).toEqual([
      { deviceId: 'eval-5', level: 5 },
      { deviceId: 'eval-5', level: 3 },
      { deviceId: 'eval-5', level: 1 },
    ]);
  });

  it('an unknown byte is reported with its hex; CR/LF are ignored; keys around it still count', async () => {
    const r = await rig((openLink) => new SerialKeyEvaluator({ keymap: KEYMAP, openLink }));
    r.f.feed([0x31, 0x0d, 0x0a, 0xfe, 0x32]);
    expect(r.levels()).toEqual([5, 4]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toBeInstanceOf(DeviceError);
    expect([r.errors[0]!.kind, r.errors[0]!.code, r.errors[0]!.raw]).toEqual(['protocol', 'unknown-key', 'fe']);
  });

  it('a key map entry that is not a hex byte is a config error', () => {
    expect(() => new SerialKeyEvaluator({ keymap: { good: 5 }, openLink: async () => fakeLink().link })).toThrow(/key map entry "good"/);
  });
});

describe('RS-485 keypad framer (01 addr key 07)', () => {
  const frames: Array<[number, number]> = [
    [0x05, 0x31],
    [0x01, 0x07], // address 01 and key 07: the markers themselves
    [0x07, 0x01],
    [0x05, 0x35],
  ];
  const bytes = (fs: Array<[number, number]>) => fs.flatMap(([a, k]) => [0x01, a, k, 0x07]);

  function run(stream: number[], cuts: number[] = []) {
    const discards: Array<[string, string]> = [];
    const f = new KeypadFramer({ onDiscard: (hex, why) => discards.push([hex, why]) });
    const out: KeypadFrame[] = [];
    let from = 0;
    for (const c of [...cuts, stream.length]) {
      out.push(...f.push(Uint8Array.from(stream.slice(from, c))));
      from = c;
    }
    return { got: out.map((x) => [x.address, x.key]), discards };
  }

  it('every frame comes out whatever offset the stream is split at, and byte by byte', () => {
    const stream = bytes(frames);
    for (let i = 0; i <= stream.length; i++) expect(run(stream, [i]).got, `cut at ${i}`).toEqual(frames);
    expect(run(stream, [...stream.keys()]).got).toEqual(frames);
  });

  it('garbage before, between and after frames is dropped and reported', () => {
    const r = run([0xff, 0x00, ...bytes([[5, 0x31]]), 0x55, 0xaa, ...bytes([[5, 0x32]]), 0x99]);
    expect(r.got).toEqual([
      [5, 0x31],
      [5, 0x32],
    ]);
    expect(r.discards).toEqual([
      ['ff 00', 'bytes before a frame start (01)'],
      ['55 aa', 'bytes before a frame start (01)'],
      ['99', 'no frame start (01)'],
    ]);
  });

  it('a truncated frame followed by a good one: resync on the next 01', () => {
    for (const cut of [1, 2, 3]) {
      const stream = [...bytes([[5, 0x31]]).slice(0, cut), ...bytes([[5, 0x32]])];
      const r = run(stream);
      expect(r.got, `truncated to ${cut}`).toEqual([[5, 0x32]]);
      expect(r.discards.length).toBeGreaterThan(0);
    }
  });

  it('random garbage, truncated frames and chunking never lose or invent frames (property)', () => {
    // Bytes in frames avoid 01/07 here: with them the protocol itself is ambiguous after garbage.
    const b = fc.integer({ min: 0x08, max: 0xff });
    const piece = fc.oneof(
      fc.tuple(b, b).map(([a, k]) => ({ frame: [a, k] as [number, number], bytes: [0x01, a, k, 0x07] })),
      fc.array(b, { minLength: 1, maxLength: 5 }).map((g) => ({ frame: undefined, bytes: g })),
      fc.tuple(b, b, fc.integer({ min: 1, max: 3 })).map(([a, k, n]) => ({ frame: undefined, bytes: [0x01, a, k].slice(0, n) })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.uniqueArray(fc.nat(80)), (pieces, cuts) => {
        const stream = pieces.flatMap((p) => p.bytes);
        const expected = pieces.filter((p) => p.frame).map((p) => p.frame);
        const got = run(stream, cuts.filter((c) => c <= stream.length).sort((x, y) => x - y)).got;
        expect(got).toEqual(expected);
      }),
    );
  });
});

describe('RS-485 evaluator', () => {
  it('answers only its own address; unknown keys and garbage are reported with the raw bytes', async () => {
    const r = await rig((openLink) => new Rs485Evaluator({ id: 'w5', address: 5, keymap: KEYMAP, openLink }));
    r.f.feed([...EvaluatorSim.frame(5, 0x31), ...EvaluatorSim.frame(6, 0x35), 0xee]);
    r.f.feed([...EvaluatorSim.frame(5, 0x39), ...EvaluatorSim.frame(5, 0x34)]);
    expect(r.keys).toEqual([
      { deviceId: 'w5', level: 5 },
      { deviceId: 'w5', level: 2 },
    ]);
    expect(r.errors.map((e) => [e.kind, e.code, e.raw])).toEqual([
      ['protocol', 'garbage', 'ee'],
      ['protocol', 'unknown-key', '01 05 39 07'],
    ]);
  });

  it('is built from devices.json', () => {
    const d = createEvaluator(EvaluatorSchema.parse({ type: 'rs485', port: { path: '/dev/ttyS1' }, address: 3, keymap: { '31': 5 } }));
    expect(d).toBeInstanceOf(Rs485Evaluator);
  });
});

/** A boot-keyboard report: modifiers, reserved, up to six key usages. */
const kb = (...usages: number[]) => [0, 0, ...usages, 0, 0, 0, 0, 0, 0].slice(0, 8);

describe('HID keyboard evaluator', () => {
  it('names keys like KeyboardEvent.key; keypad digits also match the plain digit', () => {
    expect(hidKeyName(0x1e)).toEqual(['1']);
    expect(hidKeyName(0x27)).toEqual(['0']);
    expect(hidKeyName(0x04)).toEqual(['a']);
    expect(hidKeyName(0x3a)).toEqual(['F1']);
    expect(hidKeyName(0x45)).toEqual(['F12']);
    expect(hidKeyName(0x59)).toEqual(['Numpad1', '1']);
    expect(hidKeyName(0x28)).toEqual(['Enter']);
  });

  it('a key counts once when pressed (held keys do not repeat); keymap by name, case-insensitive', async () => {
    const r = await rig((openLink) => new HidKeyboardEvaluator({ keymap: { '1': 5, '2': 4, f3: 3, Numpad4: 2, '5': 1 }, openLink }));
    r.f.feed(kb(0x1e)); // 1 down
    r.f.feed(kb(0x1e)); // still held
    r.f.feed(kb()); // released
    r.f.feed(kb(0x1f)); // 2
    r.f.feed(kb(0x1f, 0x3c)); // 2 held, F3 down
    r.f.feed(kb());
    r.f.feed(kb(0x5c)); // Numpad4
    r.f.feed(kb());
    r.f.feed(kb(0x5d)); // Numpad5 → falls back to "5"
    expect(r.levels()).toEqual([5, 4, 3, 2, 1]);
    expect(r.errors).toEqual([]);
  });

  it('reports with a report id (9 bytes) are read too; unknown keys and odd reports are reported', async () => {
    const r = await rig((openLink) => new HidKeyboardEvaluator({ keymap: { '1': 5 }, openLink }));
    r.f.feed([0x01, ...kb(0x1e)]);
    r.f.feed([0x01, ...kb()]);
    r.f.feed(kb(0x3b)); // F2: not mapped
    r.f.feed([0x01, 0x02, 0x03]);
    r.f.feed(kb(0x01, 0x01, 0x01, 0x01, 0x01, 0x01)); // rollover error: ignored
    expect(r.levels()).toEqual([5]);
    expect(r.errors.map((e) => [e.code, e.raw])).toEqual([
      ['unknown-key', '00 00 3b 00 00 00 00 00'],
      ['bad-report', '01 02 03'],
    ]);
    expect(r.errors[0]!.text.en).toContain('F2');
  });

  describe('through node-hid (fake)', () => {
    afterEach(() => nativeOverrides.delete('node-hid'));

    it('opens the keyboard interface with its VID/PID, reads keys, goes missing on unplug and comes back', async () => {
      const opened: Array<EventEmitter & { path: string }> = [];
      let list: HidDeviceInfo[] = [
        { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 1, usage: 6 },
        { vendorId: 0x1a2b, productId: 0x0001, path: '/dev/hidraw4', usagePage: 1, usage: 2 },
        { vendorId: 0x1a2b, productId: 0x0001, path: '/dev/hidraw5', usagePage: 1, usage: 6 },
      ];
      nativeOverrides.set('node-hid', {
        devices: () => list,
        HID: class extends EventEmitter {
          constructor(readonly path: string) {
            super();
            opened.push(this);
          }
          write() {
            return 0;
          }
          close() {}
        },
      });
      const ev = new HidKeyboardEvaluator({ id: 'eval', vendorId: 0x1a2b, productId: 0x0001, keymap: { '1': 5, '5': 1 } });
      const keys: number[] = [];
      ev.onKey((k) => keys.push(k.level));
      const healths: DeviceHealth[] = [];
      const sup = new DeviceSupervisor({ id: 'eval', kind: 'evaluator', open: () => ev.open(), driver: ev, onHealth: (h) => healths.push(h), baseMs: 20, capMs: 40, random: () => 1 });
      const until = async (state: DeviceHealth['state']) => {
        for (let i = 0; i < 200 && sup.health.state !== state; i++) await new Promise((r) => setTimeout(r, 5));
        expect(sup.health.state).toBe(state);
      };
      sup.start();
      await until('ok');
      expect(opened.map((d) => d.path)).toEqual(['/dev/hidraw5']);
      opened[0]!.emit('data', Buffer.from(kb(0x1e)));
      opened[0]!.emit('data', Buffer.from(kb()));
      list = [];
      opened[0]!.emit('error', new Error('could not read from HID device'));
      await until('missing');
      list = [{ vendorId: 0x1a2b, productId: 0x0001, path: '/dev/hidraw7', usagePage: 1, usage: 6 }];
      await until('ok');
      opened[1]!.emit('data', Buffer.from(kb(0x22)));
      expect(keys).toEqual([5, 1]);
      await sup.stop();
    });

    it('without a vendorId it refuses to read (it would be the PC keyboard): a config fault, not a crash', async () => {
      const ev = new HidKeyboardEvaluator({ keymap: { '1': 5 } });
      await expect(ev.open()).rejects.toMatchObject({ kind: 'config', code: 'no-vendor-id' });
      const d = createEvaluator(EvaluatorSchema.parse({ type: 'hid-keyboard', vendorId: '1a2b', keymap: { '1': 5 } }));
      expect(d).toBeInstanceOf(HidKeyboardEvaluator);
    });
  });
});
