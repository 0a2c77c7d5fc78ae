/**
 * Shared shape of a framer target: valid frames in, mutated and cut every way a link cuts them,
 * fed to a fresh framer; after each chunk its buffer is measured against its declared bound;
 * every output is checked; for a clean stream the outputs must be exactly the frames.
 */
import type { IterationContext } from '../engine';
import { CHUNKINGS, chunk, mutateFrames, splitPoints, type FrameShape } from '../mutate';

export interface FramerInstance<F> {
  push(chunk: Uint8Array): F[];
  /** End of input (a pause on the line): what the framer hands out then. */
  end?(): F[];
  /** Bytes it holds now. */
  held(): number;
}

export interface FramerSpec<F> {
  make(ctx: IterationContext): FramerInstance<F>;
  bound: number;
  /** A stream of valid frames (at least one). */
  frames(ctx: IterationContext): Uint8Array[];
  shape: FrameShape;
  /** What a frame must come out as (compared with `key` of the output). */
  expect(frame: Uint8Array): string;
  key(out: F): string;
  /** A problem with one output that no input may cause, or undefined. */
  check?(out: F): string | undefined;
  /** For clean streams: the whole expected output (default: one per frame). */
  expectAll?(frames: Uint8Array[]): string[];
}

function feed<F>(ctx: IterationContext, spec: FramerSpec<F>, chunks: readonly Uint8Array[], label: string): string[] | undefined {
  const inst = ctx.guard('the framer constructor', () => spec.make(ctx));
  if (!inst) return undefined;
  const out: string[] = [];
  const take = (fs: F[] | undefined) => {
    for (const f of fs ?? []) {
      const problem = spec.check?.(f);
      if (problem) ctx.fail('wrong', `${label}: ${problem}`);
      out.push(spec.key(f));
    }
  };
  for (const c of chunks) {
    let threw = false;
    const fs = ctx.guard('push()', () => inst.push(c));
    if (fs === undefined) threw = true;
    take(fs);
    ctx.buffer(inst.held(), spec.bound);
    if (threw) return undefined;
  }
  if (inst.end) take(ctx.guard('end()', () => inst.end!()));
  return out;
}

export function runFramer<F>(ctx: IterationContext, spec: FramerSpec<F>): void {
  const { rng } = ctx;
  const frames = spec.frames(ctx);
  const clean = spec.expectAll ? spec.expectAll(frames) : frames.map((f) => spec.expect(f));
  const m = mutateFrames(rng, frames, spec.shape, spec.frames(ctx));
  ctx.note(`input (${m.mutation}, ${m.bytes.length} bytes)`, m.bytes);
  const expected = m.clean ? clean : undefined;
  const compare = (got: string[] | undefined, how: string) => {
    if (!expected || !got) return;
    if (got.length !== expected.length || got.some((g, i) => g !== expected[i])) {
      ctx.fail('wrong', `valid frames cut ${how} came out as ${JSON.stringify(got).slice(0, 300)}, expected ${JSON.stringify(expected).slice(0, 300)}`);
    }
  };
  const how = rng.weighted(CHUNKINGS);
  if (how === 'every-split') {
    const n = m.bytes.length;
    for (const p of splitPoints(rng, n, n > 4096 ? 16 : 96)) {
      const got = feed(ctx, spec, [m.bytes.subarray(0, p), m.bytes.subarray(p)], `split at ${p}`);
      compare(got, `at byte ${p}`);
    }
    return;
  }
  const chunks = chunk(rng, m.bytes, how);
  compare(feed(ctx, spec, chunks, how), how);
}
