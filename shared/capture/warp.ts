/**
 * Flattening a photographed page: the perspective warp onto a rectangle, the output size that
 * keeps the page's proportions (A4 or an ID card at true size when it looks like one), quarter
 * turns, and a light clean-up for documents (even lighting, white balance, contrast).
 */
import { applyHomography, distance, homography } from './geometry';
import { assertImage, createImage, type Point, type Quad, type RgbaImage } from './image';

export const MM_PER_INCH = 25.4;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const A4_MM = { width: 210, height: 297 } as const;
/** ISO/IEC 7810 ID-1 (身份证, bank cards): 85.6 x 54 mm. */
export const ID1_MM = { width: 85.6, height: 54 } as const;

export function mmToPx(mm: number, dpi: number): number {
  return Math.round((mm / MM_PER_INCH) * dpi);
}

export interface WarpOptions {
  /** Colour where the quad reaches outside the source (default white). */
  background?: readonly [number, number, number];
  /**
   * Samples per output pixel along each axis. Default: 1 (bilinear) unless the output shrinks
   * the page by more than 1.5x, then 2 (2x2 supersampling, so text does not alias).
   */
  supersample?: number;
}

/**
 * Maps the quad `corners` ([TL, TR, BR, BL] in the source) onto an outW x outH image: the
 * page's outer edges land on the output's outer edges (corner TL at the outer corner of output
 * pixel (0, 0)). Homography by DLT, bilinear sampling.
 */
export function perspectiveWarp(img: RgbaImage, corners: readonly Point[], outW: number, outH: number, options: WarpOptions = {}): RgbaImage {
  assertImage(img);
  if (corners.length !== 4) throw new RangeError('perspectiveWarp needs four corners');
  outW = Math.round(outW);
  outH = Math.round(outH);
  const rect: Point[] = [
    { x: -0.5, y: -0.5 },
    { x: outW - 0.5, y: -0.5 },
    { x: outW - 0.5, y: outH - 0.5 },
    { x: -0.5, y: outH - 0.5 },
  ];
  const h = homography(rect, corners);
  const out = createImage(outW, outH);
  const [bgR, bgG, bgB] = options.background ?? [255, 255, 255];
  const shrink = Math.max(
    (distance(corners[0]!, corners[1]!) + distance(corners[3]!, corners[2]!)) / 2 / outW,
    (distance(corners[0]!, corners[3]!) + distance(corners[1]!, corners[2]!)) / 2 / outH,
  );
  const ss = Math.max(1, Math.round(options.supersample ?? (shrink > 1.5 ? 2 : 1)));
  const src = img.data, dst = out.data;
  const W = img.width, H = img.height;
  const h0 = h[0]!, h1 = h[1]!, h2 = h[2]!, h3 = h[3]!, h4 = h[4]!, h5 = h[5]!, h6 = h[6]!, h7 = h[7]!, h8 = h[8]!;
  const inv = 1 / (ss * ss);
  if (ss === 1) {
    warpBilinear(src, W, H, dst, outW, outH, h, bgR, bgG, bgB);
    return out;
  }
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, b = 0;
      for (let sy = 0; sy < ss; sy++) {
        const oy = y + (sy + 0.5) / ss - 0.5;
        for (let sx = 0; sx < ss; sx++) {
          const ox = x + (sx + 0.5) / ss - 0.5;
          const w = h6 * ox + h7 * oy + h8;
          const px = (h0 * ox + h1 * oy + h2) / w;
          const py = (h3 * ox + h4 * oy + h5) / w;
          if (px < -0.5 || py < -0.5 || px > W - 0.5 || py > H - 0.5) {
            r += bgR;
            g += bgG;
            b += bgB;
            continue;
          }
          const cx = px < 0 ? 0 : px > W - 1 ? W - 1 : px;
          const cy = py < 0 ? 0 : py > H - 1 ? H - 1 : py;
          const x0 = cx | 0, y0 = cy | 0;
          const x1 = x0 + 1 < W ? x0 + 1 : x0, y1 = y0 + 1 < H ? y0 + 1 : y0;
          const fx = cx - x0, fy = cy - y0;
          const p00 = (y0 * W + x0) * 4, p01 = (y0 * W + x1) * 4, p10 = (y1 * W + x0) * 4, p11 = (y1 * W + x1) * 4;
          const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
          r += src[p00]! * w00 + src[p01]! * w01 + src[p10]! * w10 + src[p11]! * w11;
          g += src[p00 + 1]! * w00 + src[p01 + 1]! * w01 + src[p10 + 1]! * w10 + src[p11 + 1]! * w11;
          b += src[p00 + 2]! * w00 + src[p01 + 2]! * w01 + src[p10 + 2]! * w10 + src[p11 + 2]! * w11;
        }
      }
      const o = (y * outW + x) * 4;
      dst[o] = r * inv;
      dst[o + 1] = g * inv;
      dst[o + 2] = b * inv;
      dst[o + 3] = 255;
    }
  }
  return out;
}

/** One bilinear sample per output pixel (the common case), numerators stepped along each row. */
function warpBilinear(
  src: Uint8ClampedArray,
  W: number,
  H: number,
  dst: Uint8ClampedArray,
  outW: number,
  outH: number,
  h: ArrayLike<number>,
  bgR: number,
  bgG: number,
  bgB: number,
): void {
  const h0 = h[0]!, h3 = h[3]!, h6 = h[6]!;
  const maxX = W - 1, maxY = H - 1;
  // Whole pixels are written as one 32-bit word (RGBA in memory order).
  const out32 = new Uint32Array(dst.buffer, dst.byteOffset, outW * outH);
  const pack = LITTLE_ENDIAN
    ? (r: number, g: number, b: number) => (0xff000000 | (b << 16) | (g << 8) | r) >>> 0
    : (r: number, g: number, b: number) => ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const bg = pack(byte(bgR), byte(bgG), byte(bgB));
  for (let y = 0; y < outH; y++) {
    let nx = h[1]! * y + h[2]!;
    let ny = h[4]! * y + h[5]!;
    let dw = h[7]! * y + h[8]!;
    let o = y * outW;
    for (let x = 0; x < outW; x++, nx += h0, ny += h3, dw += h6, o++) {
      const px = nx / dw, py = ny / dw;
      if (px < -0.5 || py < -0.5 || px > W - 0.5 || py > H - 0.5) {
        out32[o] = bg;
        continue;
      }
      const cx = px < 0 ? 0 : px > maxX ? maxX : px;
      const cy = py < 0 ? 0 : py > maxY ? maxY : py;
      const x0 = cx | 0, y0 = cy | 0;
      const fx = cx - x0, fy = cy - y0;
      const p00 = (y0 * W + x0) << 2;
      const dx = x0 < maxX ? 4 : 0;
      const dy = y0 < maxY ? W << 2 : 0;
      const p01 = p00 + dx, p10 = p00 + dy, p11 = p10 + dx;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const r = (src[p00]! * w00 + src[p01]! * w01 + src[p10]! * w10 + src[p11]! * w11 + 0.5) | 0;
      const g = (src[p00 + 1]! * w00 + src[p01 + 1]! * w01 + src[p10 + 1]! * w10 + src[p11 + 1]! * w11 + 0.5) | 0;
      const b = (src[p00 + 2]! * w00 + src[p01 + 2]! * w01 + src[p10 + 2]! * w10 + src[p11 + 2]! * w11 + 0.5) | 0;
      out32[o] = pack(r, g, b);
    }
  }
}

/** Where a point of the output rectangle comes from in the source (for checks and overlays). */
export function warpSourcePoint(corners: readonly Point[], outW: number, outH: number, p: Point): Point {
  const rect: Point[] = [
    { x: -0.5, y: -0.5 },
    { x: outW - 0.5, y: -0.5 },
    { x: outW - 0.5, y: outH - 0.5 },
    { x: -0.5, y: outH - 0.5 },
  ];
  return applyHomography(homography(rect, corners), p);
}

export type Paper = 'A4' | 'ID-1';

export interface OutputSize {
  width: number;
  height: number;
  /** The paper the quad's proportions matched, if any. */
  paper: Paper | null;
  /** True size when the paper is known. */
  widthMm?: number;
  heightMm?: number;
}

const PAPERS: { paper: Paper; long: number; short: number }[] = [
  { paper: 'A4', long: A4_MM.height, short: A4_MM.width },
  { paper: 'ID-1', long: ID1_MM.width, short: ID1_MM.height },
];

/**
 * A sensible output size for flattening `corners`: the page's proportions measured from the
 * quad (mean of opposite sides). When they are within `tolerance` (default 6 %) of A4 or of an
 * ID card, the output takes that paper's exact proportions, in the quad's orientation, and with
 * `dpi` its true size at that resolution (A4 at 300 dpi: 2480 x 3508). Otherwise, or without
 * dpi, the long side keeps the resolution the photograph has (the longer of the two sides).
 */
export function outputSize(corners: readonly Point[], dpi?: number, tolerance = 0.06): OutputSize {
  if (corners.length !== 4) throw new RangeError('outputSize needs four corners');
  const [tl, tr, br, bl] = corners as Quad;
  const top = distance(tl, tr), bottom = distance(bl, br), left = distance(tl, bl), right = distance(tr, br);
  const w = (top + bottom) / 2, h = (left + right) / 2;
  const landscape = w > h;
  const long = landscape ? Math.max(top, bottom) : Math.max(left, right);
  const ratio = Math.max(w, h) / Math.max(1e-9, Math.min(w, h));
  for (const p of PAPERS) {
    const want = p.long / p.short;
    if (Math.abs(ratio / want - 1) > tolerance) continue;
    const widthMm = landscape ? p.long : p.short, heightMm = landscape ? p.short : p.long;
    if (dpi) return { width: mmToPx(widthMm, dpi), height: mmToPx(heightMm, dpi), paper: p.paper, widthMm, heightMm };
    const longPx = Math.max(1, Math.round(long));
    const shortPx = Math.max(1, Math.round(longPx / want));
    return { width: landscape ? longPx : shortPx, height: landscape ? shortPx : longPx, paper: p.paper, widthMm, heightMm };
  }
  const scale = long / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)), paper: null };
}

/** Rotates by quarter turns, clockwise for positive `turns` (any integer; taken modulo 4). */
export function rotate90(img: RgbaImage, turns: number): RgbaImage {
  assertImage(img);
  const t = ((Math.round(turns) % 4) + 4) % 4;
  if (t === 0) return { width: img.width, height: img.height, data: img.data.slice() };
  const W = img.width, H = img.height;
  const out = t === 2 ? createImage(W, H) : createImage(H, W);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, W * H);
  const dst = new Uint32Array(out.data.buffer, out.data.byteOffset, W * H);
  if (t === 2) {
    for (let i = 0, n = W * H; i < n; i++) dst[n - 1 - i] = src[i]!;
    return out;
  }
  // Clockwise: source (x, y) -> (H - 1 - y, x); counter-clockwise: -> (y, W - 1 - x).
  for (let y = 0; y < H; y++) {
    const row = y * W;
    if (t === 1) for (let x = 0; x < W; x++) dst[x * H + (H - 1 - y)] = src[row + x]!;
    else for (let x = 0; x < W; x++) dst[(W - 1 - x) * H + y] = src[row + x]!;
  }
  return out;
}

export interface EnhanceOptions {
  /**
   * Evens out the lighting by dividing by the paper's brightness estimated around each point
   * (default true). Areas darker than 40 % of the page's paper level count as print, not shade.
   */
  flatten?: boolean;
  /** Neutralises the paper's colour cast (default true). */
  whiteBalance?: boolean;
  /** Stretches the darkest ink towards black (0..1, default 0.5). */
  contrast?: number;
}

/**
 * A light clean-up for photographed documents: even lighting (the paper's local brightness, a
 * high percentile over ~1/24 of the page, smoothed), white balance on the paper, and a gentle
 * black point. Photos on the page keep their look apart from the lighting.
 */
export function enhance(img: RgbaImage, options: EnhanceOptions = {}): RgbaImage {
  assertImage(img);
  const flatten = options.flatten ?? true;
  const whiteBalance = options.whiteBalance ?? true;
  const contrast = Math.max(0, Math.min(1, options.contrast ?? 0.5));
  const W = img.width, H = img.height, src = img.data;
  const n = W * H;
  const lum = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) lum[i] = (77 * src[p]! + 150 * src[p + 1]! + 29 * src[p + 2]!) >> 8;

  // Paper level per block: the 90th percentile of luminance.
  const block = Math.max(8, Math.round(Math.max(W, H) / 24));
  const bw = Math.ceil(W / block), bh = Math.ceil(H / block);
  const grid = new Float32Array(bw * bh);
  const hist = new Uint32Array(256);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      hist.fill(0);
      let count = 0;
      for (let y = by * block; y < Math.min(H, (by + 1) * block); y += 2) {
        for (let x = bx * block; x < Math.min(W, (bx + 1) * block); x += 2) {
          hist[lum[y * W + x]!]!++;
          count++;
        }
      }
      grid[by * bw + bx] = percentile(hist, count, 0.9);
    }
  }
  const globalHist = new Uint32Array(256);
  for (let i = 0; i < n; i += 3) globalHist[lum[i]!]!++;
  const paperLevel = Math.max(1, percentile(globalHist, Math.ceil(n / 3), 0.9));
  // Blocks covered by a picture or dark print are not paper: hold them near the page's level.
  for (let i = 0; i < grid.length; i++) grid[i] = Math.max(grid[i]!, 0.4 * paperLevel);
  const smooth = boxBlurGrid(boxBlurGrid(grid, bw, bh), bw, bh);

  // Paper colour (for white balance): mean RGB of the brightest tenth of the pixels.
  let pr = 0, pg = 0, pb = 0, pc = 0;
  const brightCut = percentile(globalHist, Math.ceil(n / 3), 0.85);
  for (let i = 0, p = 0; i < n; i += 7, p += 28) {
    // Clipped pixels say nothing about the paper's colour.
    if (lum[i]! < brightCut || src[p]! >= 250 || src[p + 1]! >= 250 || src[p + 2]! >= 250) continue;
    pr += src[p]!;
    pg += src[p + 1]!;
    pb += src[p + 2]!;
    pc++;
  }
  // Gains that make the paper grey at its own luminance (so the lighting level still applies).
  const paperLum = pc ? (0.299 * pr + 0.587 * pg + 0.114 * pb) / pc : 255;
  const gain = whiteBalance && pc && pr > 0 && pg > 0 && pb > 0 ? [(paperLum * pc) / pr, (paperLum * pc) / pg, (paperLum * pc) / pb] : [1, 1, 1];
  const black = contrast * Math.min(60, percentile(globalHist, Math.ceil(n / 3), 0.01));
  const target = 250;

  const out = createImage(W, H);
  const dst = out.data;
  for (let y = 0; y < H; y++) {
    const gy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(gy), y1 = Math.min(bh - 1, y0 + 1), fy = gy - y0;
    for (let x = 0; x < W; x++) {
      let level = paperLevel;
      if (flatten) {
        const gx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
        const x0 = Math.floor(gx), x1 = Math.min(bw - 1, x0 + 1), fx = gx - x0;
        level =
          (smooth[y0 * bw + x0]! * (1 - fx) + smooth[y0 * bw + x1]! * fx) * (1 - fy) +
          (smooth[y1 * bw + x0]! * (1 - fx) + smooth[y1 * bw + x1]! * fx) * fy;
      }
      const white = Math.max(black + 1, level);
      const p = (y * W + x) * 4;
      for (let c = 0; c < 3; c++) {
        const v = src[p + c]! * gain[c]!;
        dst[p + c] = ((v - black) / (white - black)) * target;
      }
      dst[p + 3] = src[p + 3]!;
    }
  }
  return out;
}

function percentile(hist: Uint32Array, count: number, q: number): number {
  const want = q * count;
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i]!;
    if (acc >= want) return i;
  }
  return 255;
}

function boxBlurGrid(g: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, c = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          s += g[yy * w + xx]!;
          c++;
        }
      }
      out[y * w + x] = s / c;
    }
  }
  return out;
}
