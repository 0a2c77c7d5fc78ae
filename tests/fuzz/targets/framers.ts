/**
 * The framers and parsers of electron/devices, fed mutated and random bytes directly.
 */
import { ByteBuffer } from '../../../electron/devices/common/framer';
import { DeviceError } from '../../../electron/devices/common/errors';
import { HEADER_BYTES, MAX_LEN, MIN_COMMAND_LEN, PREAMBLE, SamFramer, encodeCommand, encodeResponse, toResponse, CMD, SW, type CommandName } from '../../../electron/devices/cardReader/frames';
import { cardReadOf, parseNewAddress, parseReadAnswer } from '../../../electron/devices/cardReader/parse';
import { checkShape } from '../../../electron/devices/cardReader/driver';
import { buildReadAnswer, SAMPLE_CARDS, type SimCard } from '../../../electron/devices/sim/cardReaderSim';
import { assessStatus, isStatusByte, parseStatus, summarizeStatus } from '../../../electron/devices/printer/status';
import { ScanLineFramer } from '../../../electron/devices/scanner/serialFramer';
import { HID_POS_REPORT_SIZE, HidPosAssembler, hidPosReports } from '../../../electron/devices/scanner/hidPosFramer';
import { codeFromBytes } from '../../../electron/devices/scanner/text';
import { KEYPAD_END, KEYPAD_START, KeypadFramer } from '../../../electron/devices/evaluator/rs485';
import { BUILTIN_FRAMES, LedFrameParser, buildLedFrame, resolveLedFrame, type LedFrameSpec } from '../../../electron/devices/led/frame';
import { EOT, ETX, STX, StxEtxFramer } from '../../../electron/devices/scanner/stxEtxFramer';
import { Ff68Framer, ff68Frame } from '../../../electron/devices/evaluator/ff68';
import { ff68DisplayFrame, ff68Shown } from '../../../electron/devices/led/ff68Display';
import { CardReadSchema } from '../../../shared/identity';
import type { FuzzTarget, IterationContext } from '../engine';
import { concat, mutateFrames } from '../mutate';
import { runFramer } from './framing';
import { randomText } from './text';

const KEY = 'fuzz-hall-key-0123456789abcdef';
const toHexKey = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Bytes a framer holds, read from its private buffer(s). */
export function heldBytes(framer: object): number {
  const f = framer as Record<string, unknown>;
  let n = 0;
  for (const k of ['buf', 'partial', 'parts']) {
    const v = f[k];
    if (v instanceof ByteBuffer || v instanceof Uint8Array || Array.isArray(v)) n += k === 'parts' ? 0 : (v as { length: number }).length;
  }
  if (typeof f.partBytes === 'number') n += f.partBytes;
  if (typeof f.pending === 'number' && !(f.buf instanceof ByteBuffer)) n += f.pending;
  return n;
}

// ---- ID card reader ----

const CARDS: SimCard[] = Object.values(SAMPLE_CARDS);

/** Answers a real reader gives (statuses with and without the data real readers add). */
export function validSamAnswer(ctx: IterationContext): Uint8Array {
  const { rng } = ctx;
  switch (rng.int(7)) {
    case 0:
      return encodeResponse(SW.ok);
    case 1:
      return encodeResponse(SW.ok, rng.bytes(16)); // SAM id
    case 2:
      return encodeResponse(SW.cardFound, rng.chance(0.5) ? rng.bytes(4) : []); // find: 9F, 4 bytes on real readers
    case 3:
      return encodeResponse(SW.ok, rng.chance(0.5) ? rng.bytes(8) : []); // select: 90, 8 bytes on real readers
    case 4:
      return encodeResponse(rng.pick([SW.noCard, SW.selectFailed, SW.readFailed, SW.samSelfTestFailed, SW.checksumError, rng.next() & 0xff]));
    default:
      return buildReadAnswer(rng.pick(CARDS), { fingerprint: rng.chance(0.3) });
  }
}

const samShape = { length: { at: 5, size: 2 as const }, checksumAt: -1, marks: [...PREAMBLE] };

const cardFramer: FuzzTarget = {
  name: 'card.framer',
  weight: 8,
  run(ctx) {
    const commands = ctx.rng.chance(0.2);
    runFramer(ctx, {
      make: () => {
        const f = new SamFramer(commands ? { minLen: MIN_COMMAND_LEN } : {});
        return { push: (c) => f.push(c), held: () => f.pending };
      },
      // At most one incomplete frame is held: header + the largest length, less one byte.
      bound: HEADER_BYTES + MAX_LEN - 1,
      shape: samShape,
      frames: () =>
        Array.from({ length: ctx.rng.range(1, 3) }, () => (commands ? encodeCommand(...(ctx.rng.pick(Object.values(CMD)) as readonly [number, number])) : validSamAnswer(ctx))),
      expect: toHexKey,
      key: (f) => toHexKey(f.raw),
      check: (f) => {
        if (f.raw.length !== HEADER_BYTES + ((f.raw[5]! << 8) | f.raw[6]!)) return 'a frame whose size does not match its length field';
        if (commands) return undefined;
        // Whatever frame comes, the driver's answer check and the new-address parser refuse it with a DeviceError or accept it.
        const res = toResponse(f);
        for (const [what, fn] of [
          ['checkShape', () => checkShape(ctx.rng.pick(Object.keys(CMD) as CommandName[]), res, ctx.rng.chance(0.3))],
          ['parseNewAddress', () => parseNewAddress(res)],
        ] as const) {
          try {
            fn();
          } catch (e) {
            if (!(e instanceof DeviceError)) return `${what} threw ${(e as Error)?.name}: ${(e as Error)?.message} (the contract: a DeviceError)`;
          }
        }
        return undefined;
      },
    });
  },
};

/** The read answer's parser: any well-framed answer, however damaged inside, is a card or a DeviceError. */
const cardParse: FuzzTarget = {
  name: 'card.parse',
  weight: 6,
  run(ctx) {
    const { rng } = ctx;
    const card = rng.pick(CARDS);
    const fingerprint = rng.chance(0.3);
    const frame = buildReadAnswer(card, { fingerprint });
    // Damage the data only, then re-frame it so the checksum is right: the parser must cope.
    const data = frame.subarray(HEADER_BYTES + 3, frame.length - 1);
    const m = mutateFrames(rng, [data], { length: { at: 0, size: 2 } }, [buildReadAnswer(rng.pick(CARDS)).subarray(HEADER_BYTES + 3)]);
    const bytes = m.bytes.subarray(0, Math.min(m.bytes.length, MAX_LEN - 4));
    ctx.note(`read answer data (${m.mutation})`, bytes);
    const framed = new SamFramer().push(encodeResponse(SW.ok, bytes));
    if (framed.length !== 1) return ctx.fail('wrong', 'a well-formed read answer was not framed');
    const res = toResponse(framed[0]!);
    const now = new Date('2026-06-15T02:00:00Z');
    const personal = [card.idNumber, card.name, card.chineseName, card.address].filter((s): s is string => !!s && s.length > 1);
    const leak = (e: DeviceError) => personal.find((p) => e.message.includes(p) || (e.raw ?? '').includes(p) || e.text.zh.includes(p));
    try {
      const full = parseReadAnswer(res, { fingerprint, now });
      try {
        const read = cardReadOf(full, KEY, now);
        const ok = CardReadSchema.safeParse(read);
        if (!ok.success) ctx.fail('wrong', `cardReadOf gave a CardRead its schema refuses: ${ok.error.issues[0]?.message}`);
      } catch (e) {
        if (!(e instanceof DeviceError)) ctx.fail('crash', `cardReadOf threw ${(e as Error)?.name}: ${(e as Error)?.message} (the contract: a DeviceError)`);
        else if (leak(e)) ctx.fail('wrong', `R21: a refusal quotes personal data (${e.code})`);
      }
    } catch (e) {
      if (!(e instanceof DeviceError)) ctx.fail('crash', `parseReadAnswer threw ${(e as Error)?.name}: ${(e as Error)?.message} (the contract: a DeviceError)`);
      else if (leak(e)) ctx.fail('wrong', `R21: a refusal quotes personal data (${e.code})`);
    }
  },
};

// ---- printer status ----

const printerStatus: FuzzTarget = {
  name: 'printer.status',
  weight: 3,
  run(ctx) {
    const { rng } = ctx;
    const n = rng.chance(0.9) ? 4 : rng.int(9);
    const bytes = Uint8Array.from({ length: n }, () => (rng.chance(0.7) ? ((rng.next() & 0x6c) | 0x12) : rng.next() & 0xff));
    ctx.note('status bytes', bytes);
    let s;
    try {
      s = parseStatus(bytes);
    } catch (e) {
      if (!(e instanceof DeviceError)) ctx.fail('crash', `parseStatus threw ${(e as Error)?.name} (the contract: a DeviceError)`);
      else if (n === 4 && Array.from(bytes).every(isStatusByte)) ctx.fail('wrong', 'four status bytes were refused');
      return;
    }
    if (n !== 4 || !Array.from(bytes).every(isStatusByte)) ctx.fail('wrong', 'bytes that are not four status bytes were read as a status');
    const a = ctx.guard('assessStatus', () => assessStatus(s));
    ctx.guard('summarizeStatus', () => summarizeStatus(s));
    const paperOut = (bytes[3]! & 0x60) !== 0 || (bytes[1]! & 0x20) !== 0;
    if (a && paperOut && (a.ok || a.code !== 'paper-out')) ctx.fail('wrong', `paper out was assessed as ${a.ok ? 'ok' : a.code}`);
    const blocking = (bytes[0]! & 0x08) !== 0 || (bytes[1]! & 0x64) !== 0 || (bytes[2]! & 0x68) !== 0 || paperOut;
    if (a && a.ok === blocking) ctx.fail('wrong', `status ${s.raw} assessed ok=${a.ok}`);
  },
};

// ---- scanners ----

function scanCode(ctx: IterationContext, noCr: boolean): Uint8Array {
  const { rng } = ctx;
  const kind = rng.int(4);
  let b: Uint8Array;
  if (kind === 0) b = new TextEncoder().encode(randomText(rng, 1, 80));
  else if (kind === 1) b = new TextEncoder().encode(`]Q1https://hall.example.cn/p/${rng.next().toString(36)}`);
  else if (kind === 2) b = rng.bytes(rng.range(1, 300));
  else b = new TextEncoder().encode('A'.repeat(rng.range(1, 5000)));
  if (noCr) {
    b = b.map((x) => (x === 0x0d ? 0x20 : x));
    if (b[0] === 0x0a) b[0] = 0x41;
  }
  return b.length ? b : Uint8Array.of(0x41);
}

const scanLines: FuzzTarget = {
  name: 'scanner.serialFramer',
  weight: 6,
  run(ctx) {
    const { rng } = ctx;
    const suffix = rng.pick(['cr', 'crlf', 'none'] as const);
    const maxBytes = rng.pick([16 * 1024, 512, 64]);
    const end = suffix === 'cr' ? [0x0d] : suffix === 'crlf' ? [0x0d, 0x0a] : [];
    runFramer<Uint8Array>(ctx, {
      make: () => {
        const f = new ScanLineFramer({ suffix, maxBytes });
        return { push: (c) => f.push(c), end: () => (suffix === 'none' ? [f.flush()].filter((x): x is Uint8Array => !!x) : []), held: () => heldBytes(f) };
      },
      bound: maxBytes,
      shape: { marks: end.length ? end : [0x0d] },
      frames: () => {
        const codes = Array.from({ length: suffix === 'none' ? 1 : rng.range(1, 3) }, () => scanCode(ctx, true).subarray(0, maxBytes));
        return codes.map((c) => concat([c, Uint8Array.from(end)]));
      },
      expect: (f) => toHexKey(f.subarray(0, f.length - end.length)),
      key: toHexKey,
      check: (f) => (f.length === 0 ? 'an empty code' : f.length > maxBytes ? `a ${f.length}-byte code above maxBytes` : suffix !== 'none' && f.includes(0x0d) ? 'a code with a CR in it' : undefined),
    });
  },
};

const hidPos: FuzzTarget = {
  name: 'scanner.hidPosFramer',
  weight: 5,
  run(ctx) {
    const { rng } = ctx;
    const maxBytes = rng.pick([16 * 1024, 200]);
    let codes: Array<{ data: Uint8Array; aim: string }> = [];
    runFramer(ctx, {
      make: () => {
        const f = new HidPosAssembler({ maxBytes, now: () => 0 });
        return { push: (c) => f.push(c), held: () => heldBytes(f) };
      },
      // One report being cut, plus one code being assembled (it may pass maxBytes by a packet before it is dropped).
      bound: HID_POS_REPORT_SIZE + maxBytes + HID_POS_REPORT_SIZE,
      shape: { length: { at: 1, size: 1 }, marks: [0x02] },
      frames: () => {
        codes = Array.from({ length: rng.range(1, 2) }, () => ({ data: scanCode(ctx, false).subarray(0, maxBytes), aim: rng.pick([']Q1', ']E0', '\0\0\0', ']d2']) }));
        return codes.flatMap((c) => hidPosReports(c.data, c.aim, c.data.length > 300 ? 56 : rng.pick([56, 1, 20, 55])));
      },
      expect: () => '',
      expectAll: () => codes.map((c) => `${c.aim.startsWith(']') ? c.aim : ''}|${toHexKey(c.data)}`),
      key: (c) => `${c.symbology ?? ''}|${toHexKey(c.data)}`,
      check: (c) => (c.data.length > maxBytes ? `a ${c.data.length}-byte code above maxBytes` : undefined),
    });
  },
};

/** Any bytes to a Scan: text or a reason, never an exception. */
const scanText: FuzzTarget = {
  name: 'scanner.text',
  weight: 2,
  run(ctx) {
    const { rng } = ctx;
    const b = rng.chance(0.5) ? rng.bytes(rng.length(6000)) : scanCode(ctx, false);
    ctx.note('code bytes', b);
    const enc = rng.pick(['auto', 'utf-8', 'gbk'] as const);
    const r = ctx.guard(`codeFromBytes(${enc})`, () => codeFromBytes(b, enc, rng.chance(0.2) ? ']Q1' : undefined));
    if (r && !('error' in r) && (r.text.length === 0 || r.text.length > 4096)) ctx.fail('wrong', `a scan of ${r.text.length} characters`);
  },
};

// ---- evaluator keypads (RS-485) ----

const keypad: FuzzTarget = {
  name: 'evaluator.rs485Framer',
  weight: 4,
  run(ctx) {
    const { rng } = ctx;
    runFramer(ctx, {
      make: () => {
        const f = new KeypadFramer();
        return { push: (c) => f.push(c), held: () => heldBytes(f) };
      },
      bound: 3,
      shape: { marks: [KEYPAD_START], checksumAt: -1 },
      frames: () =>
        Array.from({ length: rng.range(1, 6) }, () => Uint8Array.of(KEYPAD_START, rng.chance(0.7) ? rng.range(1, 8) : rng.next() & 0xff, rng.chance(0.7) ? rng.range(0x31, 0x35) : rng.next() & 0xff, KEYPAD_END)),
      expect: (f) => `${f[1]}:${f[2]}`,
      key: (k) => `${k.address}:${k.key}`,
    });
  },
};

// ---- LED strips ----

const CUSTOM_LED: LedFrameSpec = { start: [0xaa, 0x55], address: 3, encoding: 'gbk', checksum: 'xor', end: [0x0d, 0x0a], gapMs: 100 };

export function ledSpec(ctx: IterationContext): LedFrameSpec {
  const { rng } = ctx;
  const pick = rng.int(4);
  if (pick === 0) return resolveLedFrame('plain-01-07', rng.range(0, 255));
  if (pick === 1) return resolveLedFrame('sum-3a-0a', rng.range(0, 255));
  if (pick === 2) return { ...CUSTOM_LED, address: rng.chance(0.3) ? null : rng.range(0, 255), checksumFrom: rng.chance(0.5) ? 'start' : 'address' };
  return resolveLedFrame({ ...BUILTIN_FRAMES['sum-3a-0a'], checksum: 'xor', encoding: 'gbk' } as never, rng.range(0, 255));
}

/** A frame for a random text the spec can show (texts it refuses are skipped). */
function ledFrame(ctx: IterationContext, spec: LedFrameSpec): { frame: Uint8Array; text: string } | undefined {
  for (let k = 0; k < 5; k++) {
    const text = randomText(ctx.rng, 0, 40, spec.encoding === 'ascii');
    try {
      return { frame: buildLedFrame(spec, text), text };
    } catch (e) {
      if (!(e instanceof DeviceError)) throw e;
    }
  }
  return undefined;
}

const ledParser: FuzzTarget = {
  name: 'led.frameParser',
  weight: 4,
  run(ctx) {
    const spec = ledSpec(ctx);
    const maxFrame = ctx.rng.pick([1024, 128]);
    let texts: string[] = [];
    runFramer(ctx, {
      make: () => {
        const f = new LedFrameParser(spec, {}, maxFrame);
        return { push: (c) => f.push(c), held: () => heldBytes(f) };
      },
      bound: maxFrame + 1,
      shape: { marks: spec.start, checksumAt: spec.checksum === 'none' ? undefined : -1 - spec.end.length },
      frames: () => {
        const fs = Array.from({ length: ctx.rng.range(1, 3) }, () => ledFrame(ctx, spec)).filter((x): x is { frame: Uint8Array; text: string } => !!x && x.frame.length <= maxFrame);
        texts = fs.map((f) => f.text);
        return fs.length ? fs.map((f) => f.frame) : [buildLedFrame(spec, 'A')];
      },
      expect: () => '',
      expectAll: (frames) => (texts.length === frames.length ? texts : ['A']),
      key: (p) => p.text,
    });
  },
};

/** Any text to a frame: bytes, or a DeviceError 'config'; never another exception. */
const ledEncode: FuzzTarget = {
  name: 'led.encode',
  weight: 2,
  run(ctx) {
    const spec = ledSpec(ctx);
    const text = randomText(ctx.rng, 0, 80, false);
    ctx.note('text', JSON.stringify(text));
    try {
      const f = buildLedFrame(spec, text);
      const back = new LedFrameParser(spec, {}, 1 << 16).push(f);
      if (back.length !== 1 || back[0]!.text !== text) ctx.fail('wrong', `the frame for ${JSON.stringify(text)} reads back as ${JSON.stringify(back.map((b) => b.text))}`);
    } catch (e) {
      if (!(e instanceof DeviceError) || e.kind !== 'config') ctx.fail('crash', `buildLedFrame threw ${(e as Error)?.name}: ${(e as Error)?.message} (the contract: DeviceError 'config')`);
    }
  },
};

// ---- the common byte buffer ----

const byteBuffer: FuzzTarget = {
  name: 'common.byteBuffer',
  weight: 1,
  run(ctx) {
    const { rng } = ctx;
    const b = new ByteBuffer();
    let model: number[] = [];
    for (let k = 0; k < 40; k++) {
      if (rng.chance(0.5)) {
        const c = rng.bytes(rng.length(3000));
        b.append(c);
        model.push(...c);
      } else if (rng.chance(0.8)) {
        const n = rng.int(model.length + 1);
        const got = b.consume(n);
        if (toHexKey(got) !== toHexKey(Uint8Array.from(model.slice(0, n)))) return ctx.fail('wrong', 'consume() returned other bytes than were appended');
        model = model.slice(n);
      } else {
        b.clear();
        model = [];
      }
      if (b.length !== model.length || toHexKey(b.view()) !== toHexKey(Uint8Array.from(model))) return ctx.fail('wrong', 'the buffer holds other bytes than were appended');
    }
  },
};

export const FRAMER_TARGETS: FuzzTarget[] = [cardFramer, cardParse, printerStatus, scanLines, hidPos, scanText, keypad, ledParser, ledEncode, byteBuffer];

// ---- published-protocol framers (issue 16): STX…ETX scanners, the FF 68 bus ----

const stxEtx: FuzzTarget = {
  name: 'scanner.stxEtxFramer',
  weight: 4,
  run(ctx) {
    const { rng } = ctx;
    const codeId = rng.chance(0.3);
    const maxBytes = rng.pick([16 * 1024, 256]);
    const report = rng.chance(0.5) ? {} : { onDiscard: () => {} };
    runFramer(ctx, {
      make: () => {
        const f = new StxEtxFramer({ codeId, maxBytes, ...report });
        return { push: (c) => f.push(c), end: () => (f.flush(), []), held: () => heldBytes(f) };
      },
      bound: maxBytes,
      shape: { marks: [STX], checksumAt: -1 },
      frames: () =>
        Array.from({ length: rng.range(1, 3) }, () => {
          const code = scanCode(ctx, false)
            .subarray(0, maxBytes - 2)
            .map((b) => (b === STX || b === ETX || b === EOT ? 0x41 : b));
          return concat([Uint8Array.of(STX), codeId ? Uint8Array.of(rng.pick([0x51, 0x6a, 0x64])) : new Uint8Array(0), code, Uint8Array.of(rng.chance(0.8) ? ETX : EOT)]);
        }),
      expect: (f) => toHexKey(f.subarray(codeId ? 2 : 1, f.length - 1)),
      key: (c) => toHexKey(c.data),
      check: (c) => (c.data.length > maxBytes ? `a ${c.data.length}-byte code above maxBytes` : undefined),
    });
  },
};

const ff68: FuzzTarget = {
  name: 'evaluator.ff68Framer',
  weight: 4,
  run(ctx) {
    const { rng } = ctx;
    const report = rng.chance(0.5) ? {} : { onDiscard: () => {} };
    runFramer(ctx, {
      make: () => {
        const f = new Ff68Framer(report);
        return { push: (c) => f.push(c), held: () => heldBytes(f) };
      },
      // The longest frame (L = 16) less one byte.
      bound: 16 + 7 - 1,
      shape: { length: { at: 2, size: 1 }, checksumAt: -2, marks: [0xff, 0x68] },
      frames: () =>
        Array.from({ length: rng.range(1, 4) }, () =>
          rng.chance(0.5) ? ff68Frame(rng.range(1, 8), 0x11, [rng.range(0, 3)]) : rng.chance(0.5) ? ff68DisplayFrame(rng.range(1, 8), `A${rng.range(0, 999)}`) : ff68Frame(rng.int(256), rng.int(256), rng.bytes(rng.int(15))),
        ),
      expect: (f) => toHexKey(f),
      key: (f) => f.raw.replace(/ /g, ''),
      check: (f) => (ff68Shown(f) === undefined && f.func === 0x02 && f.data.length === 6 && f.data.every((d) => d <= 10) ? 'a display frame that shows nothing' : undefined),
    });
  },
};

FRAMER_TARGETS.push(stxEtx, ff68);
