/**
 * Mutations of valid frames, and the ways a link cuts bytes into chunks. A target gives valid
 * frames and where their length field and checksum sit; `mutateFrames` returns the damaged
 * stream and whether it is still clean (only valid frames, so a framer must return them all).
 */
import type { Rng } from './rng';

/** Where a frame keeps its length and checksum (offsets from the frame start; negative = from the end). */
export interface FrameShape {
  length?: { at: number; size: 1 | 2 };
  /** Offset of the checksum byte (-1 = last byte). */
  checksumAt?: number;
  /** Bytes that start a frame (garbage that contains them is the nastiest). */
  marks?: number[];
}

export type Mutation =
  | 'clean'
  | 'bit-flip'
  | 'byte-set'
  | 'truncate'
  | 'duplicate'
  | 'splice'
  | 'length-lie'
  | 'huge-length'
  | 'checksum-break'
  | 'garbage-between'
  | 'random'
  | 'flood';

export const MUTATIONS: ReadonlyArray<readonly [Mutation, number]> = [
  ['clean', 12],
  ['bit-flip', 10],
  ['byte-set', 8],
  ['truncate', 10],
  ['duplicate', 6],
  ['splice', 6],
  ['length-lie', 8],
  ['huge-length', 5],
  ['checksum-break', 8],
  ['garbage-between', 10],
  ['random', 10],
  ['flood', 2],
];

const INTERESTING = [0x00, 0x01, 0x02, 0x07, 0x0a, 0x0d, 0x10, 0x3a, 0x5d, 0x69, 0x7f, 0x80, 0x90, 0x96, 0x9f, 0xaa, 0xfe, 0xff];

export interface Mutated {
  mutation: Mutation;
  bytes: Uint8Array;
  /** True when the bytes are exactly the given valid frames, in order. */
  clean: boolean;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function garbage(rng: Rng, shape: FrameShape, max = 48): Uint8Array {
  const g = rng.bytes(rng.range(1, max));
  const marks = shape.marks ?? [];
  // Often sprinkle frame-start bytes into the garbage: it then looks like the start of a frame.
  if (marks.length && rng.chance(0.6)) {
    const n = rng.range(1, 4);
    for (let k = 0; k < n; k++) {
      const at = rng.int(g.length);
      for (let j = 0; j < marks.length && at + j < g.length; j++) g[at + j] = marks[j]!;
    }
  }
  return g;
}

function setLength(f: Uint8Array, shape: FrameShape, value: number): void {
  const l = shape.length;
  if (!l || f.length < l.at + l.size) return;
  if (l.size === 1) f[l.at] = value & 0xff;
  else {
    f[l.at] = (value >> 8) & 0xff;
    f[l.at + 1] = value & 0xff;
  }
}

function getLength(f: Uint8Array, shape: FrameShape): number {
  const l = shape.length!;
  return l.size === 1 ? f[l.at]! : (f[l.at]! << 8) | f[l.at + 1]!;
}

/** Damage one stream of valid frames (`frames`) in one way. `others` are other valid frames to splice in. */
export function mutateFrames(rng: Rng, frames: readonly Uint8Array[], shape: FrameShape, others: readonly Uint8Array[] = [], mutation = rng.weighted(MUTATIONS)): Mutated {
  const fs = frames.map((f) => f.slice());
  const whole = () => concat(fs);
  const victim = () => fs[rng.int(fs.length)]!;
  switch (mutation) {
    case 'clean':
      return { mutation, bytes: whole(), clean: true };
    case 'bit-flip': {
      const b = whole();
      const n = rng.range(1, 4);
      for (let k = 0; k < n && b.length; k++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { mutation, bytes: b, clean: false };
    }
    case 'byte-set': {
      const b = whole();
      const n = rng.range(1, 3);
      for (let k = 0; k < n && b.length; k++) b[rng.int(b.length)] = rng.chance(0.7) ? rng.pick(INTERESTING) : rng.next() & 0xff;
      return { mutation, bytes: b, clean: false };
    }
    case 'truncate': {
      // Cut one frame short (head or tail), keep the others.
      const i = rng.int(fs.length);
      const f = fs[i]!;
      const cut = rng.int(Math.max(1, f.length));
      fs[i] = rng.chance(0.7) ? f.subarray(0, cut) : f.subarray(cut);
      return { mutation, bytes: whole(), clean: false };
    }
    case 'duplicate': {
      const b = whole();
      const from = rng.int(b.length);
      const len = rng.range(1, Math.max(1, b.length - from));
      const at = rng.int(b.length + 1);
      const slice = b.slice(from, from + len);
      return { mutation, bytes: concat([b.subarray(0, at), slice, b.subarray(at)]), clean: false };
    }
    case 'splice': {
      const other = others.length ? rng.pick(others) : rng.bytes(rng.range(1, 64));
      const b = whole();
      const at = rng.int(b.length + 1);
      const from = rng.int(other.length + 1);
      return { mutation, bytes: concat([b.subarray(0, at), other.subarray(from)]), clean: false };
    }
    case 'length-lie': {
      if (!shape.length) return mutateFrames(rng, frames, shape, others, 'bit-flip');
      const f = victim();
      const real = getLength(f, shape);
      const max = shape.length.size === 1 ? 0xff : 0xffff;
      const lie = rng.pick([real - 1, real + 1, real - 2, real + 2, 0, 1, rng.int(max + 1), Math.floor(real / 2), real * 2]);
      setLength(f, shape, Math.max(0, Math.min(max, lie)));
      return { mutation, bytes: whole(), clean: false };
    }
    case 'huge-length': {
      if (!shape.length) return mutateFrames(rng, frames, shape, others, 'flood');
      const f = victim();
      const max = shape.length.size === 1 ? 0xff : 0xffff;
      setLength(f, shape, rng.pick([max, max - 1, Math.floor(max / 2), 0x8000 & max, 0x0c01 & max]));
      // Sometimes followed by a long run of bytes, as if the huge frame were really coming.
      const tail = rng.chance(0.3) ? rng.bytes(rng.range(256, 8192)) : new Uint8Array(0);
      return { mutation, bytes: concat([whole(), tail]), clean: false };
    }
    case 'checksum-break': {
      if (shape.checksumAt === undefined) return mutateFrames(rng, frames, shape, others, 'byte-set');
      const f = victim();
      const at = shape.checksumAt < 0 ? f.length + shape.checksumAt : shape.checksumAt;
      if (at >= 0 && at < f.length) f[at] = (f[at]! ^ rng.range(1, 255)) & 0xff;
      return { mutation, bytes: whole(), clean: false };
    }
    case 'garbage-between': {
      const parts: Uint8Array[] = [];
      if (rng.chance(0.5)) parts.push(garbage(rng, shape));
      for (const f of fs) {
        parts.push(f);
        if (rng.chance(0.6)) parts.push(garbage(rng, shape));
      }
      return { mutation, bytes: concat(parts), clean: false };
    }
    case 'random':
      return { mutation, bytes: rng.bytes(rng.length(4096)), clean: false };
    case 'flood': {
      // A long burst: random bytes, or one byte repeated (a stuck line), or frame starts only.
      const n = rng.range(16 * 1024, 80 * 1024);
      const kind = rng.int(3);
      const b = kind === 0 ? rng.bytes(n) : new Uint8Array(n).fill(kind === 1 ? rng.next() & 0xff : (shape.marks?.[0] ?? 0x41));
      return { mutation, bytes: b, clean: false };
    }
  }
}

export type Chunking = 'whole' | 'random' | 'bytewise' | 'fixed' | 'every-split';

export const CHUNKINGS: ReadonlyArray<readonly [Chunking, number]> = [
  ['whole', 4],
  ['random', 6],
  ['bytewise', 2],
  ['fixed', 2],
  ['every-split', 2],
];

/** How a link delivers the stream: one chunk, random pieces, byte by byte, or fixed-size pieces. */
export function chunk(rng: Rng, bytes: Uint8Array, how: Exclude<Chunking, 'every-split'>): Uint8Array[] {
  if (bytes.length === 0) return [bytes];
  switch (how) {
    case 'whole':
      return [bytes];
    case 'bytewise':
      return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    case 'fixed': {
      const size = rng.pick([2, 3, 7, 8, 32, 64, 63, 65]);
      const out: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
      return out;
    }
    case 'random': {
      const out: Uint8Array[] = [];
      let at = 0;
      while (at < bytes.length) {
        const n = rng.range(0, Math.min(bytes.length - at, rng.chance(0.5) ? 8 : 512));
        out.push(bytes.subarray(at, at + n)); // an empty chunk now and then, too
        at += n;
      }
      return out;
    }
  }
}

/** The cut positions for 'every-split': all of them for short streams, a sample for long ones. */
export function splitPoints(rng: Rng, n: number, max = 96): number[] {
  if (n <= max) return Array.from({ length: n + 1 }, (_, i) => i);
  const pts = new Set<number>([0, n]);
  while (pts.size < max) pts.add(rng.int(n + 1));
  return [...pts].sort((a, b) => a - b);
}

export function hex(bytes: Uint8Array, max = 4096): string {
  const s = Buffer.from(bytes.subarray(0, max)).toString('hex');
  return bytes.length > max ? `${s}…(+${bytes.length - max} bytes)` : s;
}
