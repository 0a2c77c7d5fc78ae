/**
 * Plain RGBA images for document capture: the same shape as the DOM's ImageData, so a canvas
 * frame passes straight in, and Node tests build them from decoded JPEGs. No DOM, no canvas.
 *
 * Coordinates everywhere in shared/capture: pixel centres at integers, (0, 0) is the centre of
 * the top-left pixel, x to the right, y down.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8ClampedArray;
}

export interface Point {
  x: number;
  y: number;
}

/** A quadrilateral as [TL, TR, BR, BL], clockwise on screen. */
export type Quad = [Point, Point, Point, Point];

export function createImage(width: number, height: number, fill?: readonly [number, number, number, number?]): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  if (fill) {
    const px = new Uint32Array(data.buffer);
    const bytes = new Uint8ClampedArray([fill[0], fill[1], fill[2], fill[3] ?? 255]);
    px.fill(new Uint32Array(bytes.buffer)[0]!);
  }
  return { width, height, data };
}

export function assertImage(img: RgbaImage): void {
  if (img.data.length !== img.width * img.height * 4) {
    throw new RangeError(`image data has ${img.data.length} bytes, expected ${img.width}x${img.height}x4`);
  }
}

/** Copies the rectangle [x, x + w) x [y, y + h) (clipped to the image). */
export function cropRect(img: RgbaImage, x: number, y: number, w: number, h: number): RgbaImage {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.floor(x + w));
  const y1 = Math.min(img.height, Math.floor(y + h));
  const out = createImage(Math.max(1, x1 - x0), Math.max(1, y1 - y0));
  for (let row = y0; row < y1; row++) {
    out.data.set(img.data.subarray((row * img.width + x0) * 4, (row * img.width + x1) * 4), (row - y0) * out.width * 4);
  }
  return out;
}

/** Pastes src onto dst with its top-left pixel at (x, y) (integer position, clipped). */
export function paste(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(dst.width, x + src.width);
  if (x1 <= x0) return;
  for (let row = Math.max(0, y); row < Math.min(dst.height, y + src.height); row++) {
    const s = ((row - y) * src.width + (x0 - x)) * 4;
    dst.data.set(src.data.subarray(s, s + (x1 - x0) * 4), (row * dst.width + x0) * 4);
  }
}

interface Taps {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  width: number;
}

/**
 * Resampling taps along one axis: a triangle (bilinear) filter widened by the scale when
 * shrinking, so shrinking averages every source pixel (no aliasing of text) and enlarging is
 * plain bilinear interpolation.
 */
function taps(srcLen: number, dstLen: number): Taps {
  const scale = srcLen / dstLen;
  const support = Math.max(1, scale);
  const width = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(dstLen);
  const count = new Int32Array(dstLen);
  const weights = new Float32Array(dstLen * width);
  for (let i = 0; i < dstLen; i++) {
    const centre = (i + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support));
    const hi = Math.min(srcLen - 1, Math.floor(centre + support));
    let sum = 0;
    let n = 0;
    for (let s = lo; s <= hi && n < width; s++, n++) {
      const w = Math.max(0, 1 - Math.abs(s - centre) / support);
      weights[i * width + n] = w;
      sum += w;
    }
    if (sum === 0) {
      // Enlarging at the very edge: take the nearest pixel.
      const s = Math.min(srcLen - 1, Math.max(0, Math.round(centre)));
      first[i] = s;
      count[i] = 1;
      weights[i * width] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[i * width + k]! /= sum;
    first[i] = lo;
    count[i] = n;
  }
  return { first, count, weights, width };
}

/** Resizes to w x h (separable triangle filter: area-like when shrinking, bilinear when enlarging). */
export function resize(img: RgbaImage, w: number, h: number): RgbaImage {
  assertImage(img);
  w = Math.round(w);
  h = Math.round(h);
  if (w === img.width && h === img.height) return { width: w, height: h, data: img.data.slice() };
  const tx = taps(img.width, w);
  const ty = taps(img.height, h);
  const src = img.data;
  // Horizontal pass into a float buffer (img.height x w x 4).
  const mid = new Float32Array(img.height * w * 4);
  for (let y = 0; y < img.height; y++) {
    const rowIn = y * img.width * 4;
    const rowOut = y * w * 4;
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      const f = tx.first[x]!;
      const n = tx.count[x]!;
      const base = x * tx.width;
      for (let k = 0; k < n; k++) {
        const wt = tx.weights[base + k]!;
        const p = rowIn + (f + k) * 4;
        r += src[p]! * wt;
        g += src[p + 1]! * wt;
        b += src[p + 2]! * wt;
        a += src[p + 3]! * wt;
      }
      const o = rowOut + x * 4;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }
  const out = createImage(w, h);
  const dst = out.data;
  const stride = w * 4;
  const acc = new Float32Array(stride);
  for (let y = 0; y < h; y++) {
    const f = ty.first[y]!;
    const n = ty.count[y]!;
    const base = y * ty.width;
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const wt = ty.weights[base + k]!;
      const rowIn = (f + k) * stride;
      for (let i = 0; i < stride; i++) acc[i]! += mid[rowIn + i]! * wt;
    }
    dst.set(acc, y * stride);
  }
  return out;
}
