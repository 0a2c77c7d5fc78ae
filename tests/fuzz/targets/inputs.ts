/**
 * Input-only drivers (scanners, evaluator keypads, capture triggers) through a fake link: a
 * mutated stream arrives in chunks with (virtual) pauses between them. Every scan, key and
 * press they hand out must pass the device contract's schema, nothing may escape their data
 * listener, their buffers stay within bounds, a partial input is given up after its timeout,
 * and detach leaves no listener and no timer behind.
 */
import { DeviceError } from '../../../electron/devices/common/errors';
import { Ff68Evaluator, ff68Frame } from '../../../electron/devices/evaluator/ff68';
import { HidKeyboardEvaluator } from '../../../electron/devices/evaluator/hidKeyboard';
import { KEYPAD_END, KEYPAD_START, Rs485Evaluator } from '../../../electron/devices/evaluator/rs485';
import { SerialKeyEvaluator } from '../../../electron/devices/evaluator/serialKey';
import { HidPosScanner } from '../../../electron/devices/scanner/hidPos';
import { hidPosReports } from '../../../electron/devices/scanner/hidPosFramer';
import { SerialScanner } from '../../../electron/devices/scanner/serial';
import { HidTrigger } from '../../../electron/devices/trigger/hid';
import { SerialTrigger } from '../../../electron/devices/trigger/serial';
import { EvaluatorKeySchema, ScanSchema } from '../../../shared/devices/contract';
import type { FuzzTarget, IterationContext } from '../engine';
import { FuzzLink } from '../fakeLink';
import { chunk, concat, mutateFrames, type FrameShape } from '../mutate';
import { heldBytes } from './framers';
import { randomText } from './text';

interface InputDriver {
  attach(link: FuzzLink): Promise<void>;
  detach(): void;
  onError(l: (err: DeviceError) => void): unknown;
}

interface InputCase {
  driver: InputDriver;
  /** Valid input: whole messages (frames, lines, reports). */
  frames: Uint8Array[];
  shape: FrameShape;
  /** Bytes the driver holds now, and the most it may. */
  held?: () => number;
  bound?: number;
  /** HID links deliver whole reports: chunks are never cut inside one. */
  reports?: boolean;
  /** After this quiet time a partial input must be given up (held back to 0). */
  staleMs?: number;
  /** Outputs so far. */
  count: () => number;
  /** For a clean stream delivered without long pauses: how many outputs. */
  expected?: number;
}

async function runInput(ctx: IterationContext, make: (ctx: IterationContext, problem: (what: string) => void) => InputCase): Promise<void> {
  const { rng, clock } = ctx;
  const link = new FuzzLink((err) => ctx.fail('crash', `the driver's data listener threw: ${err instanceof Error ? err.stack : String(err)}`));
  const c = make(ctx, (what) => ctx.fail('wrong', what));
  c.driver.onError((e) => {
    if (!(e instanceof DeviceError)) ctx.fail('wrong', `onError got ${String(e)}, not a DeviceError`);
  });
  await c.driver.attach(link);
  const m = mutateFrames(rng, c.frames, c.shape, make(ctx, () => {}).frames);
  ctx.note(`input (${m.mutation}, ${m.bytes.length} bytes)`, m.bytes);
  const chunks = c.reports ? reportChunks(m.bytes, c.frames) : chunk(rng, m.bytes, rng.pick(['whole', 'random', 'bytewise', 'fixed'] as const));
  const slow = rng.chance(0.2);
  for (const ch of chunks.slice(0, 4000)) {
    link.deliver(ch);
    if (c.held) ctx.buffer(c.held(), c.bound ?? Infinity);
    await clock.advance(slow ? rng.int(400) : rng.int(3));
  }
  if (m.clean && !slow && c.expected !== undefined) {
    await clock.advance((c.staleMs ?? 0) + 100);
    if (c.count() !== c.expected) ctx.fail('wrong', `a clean stream gave ${c.count()} outputs, expected ${c.expected}`);
  }
  if (c.staleMs !== undefined && c.held) {
    await clock.advance(c.staleMs + 100);
    if (c.held() > 0) ctx.fail('hang', `${c.held()} bytes of a partial input still held ${c.staleMs + 100} ms after the line went quiet`);
  }
  c.driver.detach();
  await clock.advance(1000);
  if (link.listeners !== 0) ctx.fail('wrong', `${link.listeners} data listeners left on the link after detach()`);
  if (clock.pending !== 0) ctx.fail('wrong', `${clock.pending} timers still pending after detach()`);
}

/** HID streams keep report boundaries: cut the (possibly damaged) stream at the valid reports' sizes. */
function reportChunks(bytes: Uint8Array, frames: Uint8Array[]): Uint8Array[] {
  const size = frames[0]?.length || 64;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const scanOk = (problem: (w: string) => void) => (scan: unknown) => {
  const r = ScanSchema.safeParse(scan);
  if (!r.success) problem(`a scan the contract refuses: ${r.error.issues[0]?.message}`);
};

function codeBytes(ctx: IterationContext): Uint8Array {
  const { rng } = ctx;
  const t = rng.chance(0.5) ? `]Q1https://zwfw.example.cn/p/${rng.next().toString(36)}` : randomText(rng, 1, 60, false, true);
  const b = new TextEncoder().encode(t).map((x) => (x === 0x0d || x === 0x0a ? 0x20 : x));
  return b.length ? b : Uint8Array.of(0x41);
}

const serialScanner: FuzzTarget = {
  name: 'scanner.serial',
  weight: 4,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const suffix = rng.pick(['cr', 'crlf', 'tab', 'stx-etx', 'none'] as const);
      const interByteMs = rng.pick([30, 50, 100]);
      const codeId = suffix === 'stx-etx' && rng.chance(0.5);
      const d = new SerialScanner({ openLink: async () => new FuzzLink(() => {}), suffix, interByteMs, codeId });
      let n = 0;
      d.onScan((s) => {
        n += 1;
        scanOk(problem)(s);
      });
      const end = suffix === 'cr' ? [0x0d] : suffix === 'crlf' ? [0x0d, 0x0a] : suffix === 'tab' ? [0x09] : suffix === 'stx-etx' ? [0x03] : [];
      const head = suffix === 'stx-etx' ? (codeId ? [0x02, 0x51] : [0x02]) : [];
      const codes = Array.from({ length: suffix === 'none' ? 1 : rng.range(1, 4) }, () => codeBytes(ctx));
      const framer = (d as unknown as { framer: object }).framer;
      return {
        driver: d,
        frames: codes.map((c) => concat([Uint8Array.from(head), c, Uint8Array.from(end)])),
        shape: { marks: suffix === 'stx-etx' ? [0x02] : [0x0d] },
        held: () => heldBytes(framer),
        bound: 16 * 1024,
        staleMs: suffix === 'none' ? interByteMs : Math.max(1000, interByteMs * 10),
        count: () => n,
        // With no suffix, the pause after the last chunk ends the one code.
        expected: codes.length,
      };
    }),
};

const hidPosScanner: FuzzTarget = {
  name: 'scanner.hidPos',
  weight: 3,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const d = new HidPosScanner({ openLink: async () => new FuzzLink(() => {}) });
      let n = 0;
      d.onScan((s) => {
        n += 1;
        scanOk(problem)(s);
      });
      const codes = Array.from({ length: rng.range(1, 3) }, () => codeBytes(ctx));
      const assembler = (d as unknown as { assembler: object }).assembler;
      return {
        driver: d as unknown as InputDriver,
        frames: codes.flatMap((c) => hidPosReports(c, rng.pick([']Q1', ']E0', '\0\0\0']), rng.pick([56, 10]))),
        shape: { length: { at: 1, size: 1 }, marks: [0x02] },
        reports: true,
        held: () => heldBytes(assembler),
        bound: 64 + 16 * 1024 + 64,
        count: () => n,
        expected: codes.length,
      };
    }),
};

function keymap(): Record<string, 1 | 2 | 3 | 4 | 5> {
  return { '31': 5, '32': 4, '33': 3, '34': 2, '35': 1 };
}

const keyOk = (problem: (w: string) => void) => (key: unknown) => {
  const r = EvaluatorKeySchema.safeParse(key);
  if (!r.success) problem(`a key the contract refuses: ${r.error.issues[0]?.message}`);
};

const rs485: FuzzTarget = {
  name: 'evaluator.rs485',
  weight: 3,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const address = rng.range(1, 8);
      const d = new Rs485Evaluator({ openLink: async () => new FuzzLink(() => {}), address, keymap: keymap() });
      let n = 0;
      d.onKey((k) => {
        n += 1;
        keyOk(problem)(k);
      });
      const frames = Array.from({ length: rng.range(1, 6) }, () => Uint8Array.of(KEYPAD_START, rng.chance(0.7) ? address : rng.range(1, 8), rng.range(0x31, 0x36), KEYPAD_END));
      const framer = (d as unknown as { framer: object }).framer;
      return {
        driver: d,
        frames,
        shape: { marks: [KEYPAD_START], checksumAt: -1 },
        held: () => heldBytes(framer),
        bound: 3,
        count: () => n,
        expected: frames.filter((f) => f[1] === address && f[2]! <= 0x35).length,
      };
    }),
};

const serialKey: FuzzTarget = {
  name: 'evaluator.serialKey',
  weight: 2,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const d = new SerialKeyEvaluator({ openLink: async () => new FuzzLink(() => {}), keymap: keymap() });
      let n = 0;
      d.onKey((k) => {
        n += 1;
        keyOk(problem)(k);
      });
      const frames = Array.from({ length: rng.range(1, 6) }, () => (rng.chance(0.3) ? Uint8Array.of(rng.range(0x31, 0x35), 0x0d, 0x0a) : Uint8Array.of(rng.range(0x31, 0x35))));
      return { driver: d, frames, shape: {}, count: () => n, expected: frames.length };
    }),
};

const hidKeyboard: FuzzTarget = {
  name: 'evaluator.hidKeyboard',
  weight: 2,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const d = new HidKeyboardEvaluator({ openLink: async () => new FuzzLink(() => {}), keymap: { '1': 5, '2': 4, '3': 3, '4': 2, '5': 1 } });
      let n = 0;
      d.onKey((k) => {
        n += 1;
        keyOk(problem)(k);
      });
      const withId = rng.chance(0.3);
      // A press and a release per key: [mods, 0, key, 0, 0, 0, 0, 0], then all zeros.
      const keys = Array.from({ length: rng.range(1, 4) }, () => rng.range(0x1e, 0x22));
      const frames = keys.flatMap((k) => [Uint8Array.of(...(withId ? [1] : []), 0, 0, k, 0, 0, 0, 0, 0), Uint8Array.of(...(withId ? [1] : []), 0, 0, 0, 0, 0, 0, 0, 0)]);
      return { driver: d, frames, shape: {}, reports: true, held: () => (d as unknown as { held: Set<number> }).held.size, bound: 6, count: () => n, expected: keys.length };
    }),
};

const serialTrigger: FuzzTarget = {
  name: 'trigger.serial',
  weight: 2,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx) => {
      const { rng } = ctx;
      const lineMode = rng.chance(0.5);
      const lineGapMs = 100;
      const d = new SerialTrigger({ openLink: async () => new FuzzLink(() => {}), ...(lineMode ? { line: 'KEY1', lineGapMs } : rng.chance(0.5) ? { bytes: [0x31] } : {}), debounceMs: 0 });
      let n = 0;
      d.onPress(() => (n += 1));
      const frames = Array.from({ length: rng.range(1, 4) }, () => (lineMode ? new TextEncoder().encode(rng.pick(['KEY1\r\n', 'KEY1\r', 'KEY1\n'])) : Uint8Array.of(0x31)));
      return {
        driver: d,
        frames,
        shape: { marks: [0x0d] },
        held: () => heldBytes(d),
        bound: 128,
        ...(lineMode ? { staleMs: lineGapMs } : {}),
        count: () => n,
        expected: frames.length,
      };
    }),
};

const hidTrigger: FuzzTarget = {
  name: 'trigger.hid',
  weight: 2,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx) => {
      const { rng } = ctx;
      const press = rng.chance(0.5);
      const d = new HidTrigger({ openLink: async () => new FuzzLink(() => {}), mask: [0x00, 0x01], reports: press ? 'press' : 'state', debounceMs: 0 });
      let n = 0;
      d.onPress(() => (n += 1));
      const k = rng.range(1, 4);
      const frames = Array.from({ length: k }, () => (press ? [Uint8Array.of(0, 1, 0, 0)] : [Uint8Array.of(0, 1, 0, 0), Uint8Array.of(0, 0, 0, 0)])).flat();
      return { driver: d, frames, shape: {}, reports: true, count: () => n, expected: k };
    }),
};

const ff68Evaluator: FuzzTarget = {
  name: 'evaluator.ff68',
  weight: 3,
  virtualTime: true,
  run: (ctx) =>
    runInput(ctx, (ctx, problem) => {
      const { rng } = ctx;
      const address = rng.range(1, 8);
      const link = new FuzzLink(() => {});
      const d = new Ff68Evaluator({ openLink: async () => link, address, keymap: { '00': 5, '01': 4, '02': 2, '03': 1 } });
      let n = 0;
      d.onKey((k) => {
        n += 1;
        keyOk(problem)(k);
      });
      const frames = Array.from({ length: rng.range(1, 5) }, () => {
        const own = rng.chance(0.7);
        return ff68Frame(own ? address : rng.range(1, 8), rng.chance(0.85) ? 0x11 : 0x01, [rng.range(0, 4)]);
      });
      const framer = (d as unknown as { framer: object }).framer;
      return {
        driver: d,
        frames,
        shape: { length: { at: 2, size: 1 }, checksumAt: -2, marks: [0xff, 0x68] },
        held: () => heldBytes(framer),
        bound: 22,
        count: () => n,
        expected: frames.filter((f) => f[5] === address && f[6] === 0x11 && f[7]! <= 3).length,
      };
    }),
};

export const INPUT_TARGETS: FuzzTarget[] = [ff68Evaluator, serialScanner, hidPosScanner, rs485, serialKey, hidKeyboard, serialTrigger, hidTrigger];
