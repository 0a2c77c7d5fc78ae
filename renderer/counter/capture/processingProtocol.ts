/** Messages between the counter's screen and its page worker (same-origin, typed, not parsed). */
import type { Quad } from './captureModel';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type ProcessRequest =
  | { id: number; op: 'page'; frame: Rgba; corners?: Quad; turns: number }
  | { id: number; op: 'id-sheet'; frame: Rgba; back: Rgba }
  | { id: number; op: 'turn'; jpeg: Blob; turns: number };

/** A request before the processor gives it its id. */
export type ProcessCall = ProcessRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export type ProcessResponse =
  | {
      id: number;
      ok: true;
      jpeg: Blob;
      width: number;
      height: number;
      corners?: Quad;
      /** A fresh capture's whole frame, kept (in memory only) for a later corner adjustment. */
      frameJpeg?: Blob;
      backCorners?: Quad;
      cornersBy?: 'auto' | 'hand' | 'whole-frame';
      confidence?: number | null;
    }
  | { id: number; ok: false; error: string };
