/**
 * Finds the page in a document camera frame: a light sheet on a darker desk, seen at an angle,
 * under uneven light. Pure TypeScript on RGBA buffers (no DOM, no canvas, no wasm).
 *
 * 1. Coarse, on a copy shrunk to ~640 px on the long side: "paperness" (luminance less half the
 *    chroma, so a white sheet stands out from brown wood or a blue mat, not only from a darker
 *    desk), blurred. Candidate regions come from several thresholds between the desk's and the
 *    sheet's levels (Otsu's split and around it), each also cut along strong edges so a sheet
 *    does not leak into a bright patch of desk next to it; connected components; the convex
 *    hull of each; the largest-area quadrilateral on the hull. Each candidate is scored by how
 *    much of its outline is a light-inside / dark-outside edge and how well the hull fills it.
 * 2. Fine, at full resolution: along each side of the best candidate, the edge is found on
 *    short profiles across it (the steepest light-to-dark step, to a fraction of a pixel); a
 *    robust total-least-squares line goes through those points; the corners are where adjacent
 *    lines meet. Points near the corners are left out, so rounded corners (ID cards) and dog
 *    ears do not pull the lines. This runs twice, the second time on a narrow band around the
 *    first lines.
 *
 * Corners come back as [TL, TR, BR, BL] (clockwise on screen, TL the corner nearest the image's
 * top-left), in full-resolution pixel coordinates (pixel centres at integers).
 */
import {
  convexHull,
  fitLine,
  intersect,
  isConvexQuad,
  lineThrough,
  orderCorners,
  polygonArea,
  quadAngles,
  type Line,
} from './geometry';
import { assertImage, type Point, type Quad, type RgbaImage } from './image';

export interface PageDetection {
  /** [TL, TR, BR, BL] in full-resolution pixels. */
  corners: Quad;
  /** 0..1: how much of the outline is a clean light-to-dark edge, and how page-like the shape is. */
  confidence: number;
}

export interface DetectPageOptions {
  /** Long side of the coarse working copy (default 640). */
  workSize?: number;
  /** Smallest page, as a fraction of the frame's area (default 0.03). */
  minArea?: number;
  /** Below this confidence the result is null (default 0.6: a side where only about half the outline shows a clean edge). */
  minConfidence?: number;
}

/** Smallest light-to-dark step (paperness levels over 2 px) that counts as the sheet's edge at full resolution. */
const EDGE_MIN_STEP = 6;

/** Luminance less half the chroma: high for white or pale paper, low for dark or saturated desks. */
function paperness(r: number, g: number, b: number): number {
  const max = r > g ? (r > b ? r : b) : g > b ? g : b;
  const min = r < g ? (r < b ? r : b) : g < b ? g : b;
  return 0.299 * r + 0.587 * g + 0.114 * b - 0.5 * (max - min);
}

interface Small {
  w: number;
  h: number;
  /** full-resolution pixels per small pixel */
  f: number;
  v: Float32Array;
}

/** Block-averaged paperness; sparse sampling inside large blocks (every other row and column). */
function shrink(img: RgbaImage, workSize: number): Small {
  const f = Math.max(1, Math.ceil(Math.max(img.width, img.height) / workSize));
  const w = Math.floor(img.width / f);
  const h = Math.floor(img.height / f);
  const step = f >= 4 ? 2 : 1;
  const off = f >= 4 ? ((f / 2) | 0) % 2 : 0;
  const v = new Float32Array(w * h);
  const d = img.data;
  const W = img.width;
  const acc = new Float32Array(w);
  let perBlock = 0;
  for (let dy = off; dy < f; dy += step) for (let dx = off; dx < f; dx += step) perBlock++;
  for (let sy = 0; sy < h; sy++) {
    acc.fill(0);
    for (let dy = off; dy < f; dy += step) {
      const row = (sy * f + dy) * W;
      for (let sx = 0; sx < w; sx++) {
        let s = 0;
        const base = row + sx * f;
        for (let dx = off; dx < f; dx += step) {
          const p = (base + dx) * 4;
          s += paperness(d[p]!, d[p + 1]!, d[p + 2]!);
        }
        acc[sx]! += s;
      }
    }
    for (let sx = 0; sx < w; sx++) v[sy * w + sx] = acc[sx]! / perBlock;
  }
  return { w, h, f, v };
}

/** Separable binomial blur [1 4 6 4 1] / 16 (sigma 1), edges clamped. */
function blur5(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const k = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -2; i <= 2; i++) {
        const xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
        s += src[r + xx]! * k[i + 2]!;
      }
      tmp[r + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -2; i <= 2; i++) {
        const yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
        s += tmp[yy * w + x]! * k[i + 2]!;
      }
      out[y * w + x] = s;
    }
  }
  return out;
}

function sobelMagnitude(v: Float32Array, w: number, h: number): Float32Array {
  const g = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = v[i - w + 1]! + 2 * v[i + 1]! + v[i + w + 1]! - v[i - w - 1]! - 2 * v[i - 1]! - v[i + w - 1]!;
      const gy = v[i + w - 1]! + 2 * v[i + w]! + v[i + w + 1]! - v[i - w - 1]! - 2 * v[i - w]! - v[i - w + 1]!;
      g[i] = Math.hypot(gx, gy) / 8;
    }
  }
  return g;
}

/** Otsu's threshold over values clamped to 0..255, with the means on either side. */
function otsu(v: Float32Array): { t: number; low: number; high: number } {
  const hist = new Float64Array(256);
  for (let i = 0; i < v.length; i++) {
    const b = v[i]! < 0 ? 0 : v[i]! > 255 ? 255 : v[i]! | 0;
    hist[b]!++;
  }
  const n = v.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0, sumB = 0, best = -1, t = 128;
  for (let i = 0; i < 256; i++) {
    wB += hist[i]!;
    if (wB === 0) continue;
    const wF = n - wB;
    if (wF === 0) break;
    sumB += i * hist[i]!;
    const mB = sumB / wB, mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      t = i + 0.5;
    }
  }
  let lowS = 0, lowN = 0, highS = 0, highN = 0;
  for (let i = 0; i < 256; i++) {
    if (i < t) {
      lowS += i * hist[i]!;
      lowN += hist[i]!;
    } else {
      highS += i * hist[i]!;
      highN += hist[i]!;
    }
  }
  return { t, low: lowN ? lowS / lowN : 0, high: highN ? highS / highN : 255 };
}

interface Component {
  area: number;
  hull: Point[];
}

interface Scratch {
  labels: Int32Array;
  stack: Int32Array;
}

/** 4-connected components of mask with at least minArea pixels; each with its convex hull. */
function components(mask: Uint8Array, w: number, h: number, minArea: number, scratch: Scratch): Component[] {
  const { labels, stack } = scratch;
  labels.fill(-1);
  const big: number[] = []; // labels of the large components
  const areas: number[] = [];
  let next = 0;
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || labels[start] !== -1) continue;
    const label = next++;
    let sp = 0;
    stack[sp++] = start;
    labels[start] = label;
    let area = 0;
    while (sp > 0) {
      const i = stack[--sp]!;
      area++;
      const x = i % w;
      if (x > 0 && mask[i - 1] && labels[i - 1] === -1) {
        labels[i - 1] = label;
        stack[sp++] = i - 1;
      }
      if (x < w - 1 && mask[i + 1] && labels[i + 1] === -1) {
        labels[i + 1] = label;
        stack[sp++] = i + 1;
      }
      if (i >= w && mask[i - w] && labels[i - w] === -1) {
        labels[i - w] = label;
        stack[sp++] = i - w;
      }
      if (i < w * (h - 1) && mask[i + w] && labels[i + w] === -1) {
        labels[i + w] = label;
        stack[sp++] = i + w;
      }
    }
    if (area >= minArea) {
      big.push(label);
      areas.push(area);
    }
  }
  if (!big.length) return [];
  // Leftmost and rightmost pixel of each row of each large component (enough for its hull), in one scan.
  const slot = new Map<number, number>(big.map((l, i) => [l, i]));
  const lo = new Int32Array(big.length * h).fill(-1);
  const hi = new Int32Array(big.length * h).fill(-1);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      const l = labels[r + x]!;
      if (l < 0) continue;
      const k = slot.get(l);
      if (k === undefined) continue;
      const at = k * h + y;
      if (lo[at]! < 0) lo[at] = x;
      hi[at] = x;
    }
  }
  return big.map((_, k) => {
    const pts: Point[] = [];
    for (let y = 0; y < h; y++) {
      const a = lo[k * h + y]!, b = hi[k * h + y]!;
      if (a < 0) continue;
      pts.push({ x: a, y });
      if (b !== a) pts.push({ x: b, y });
    }
    return { area: areas[k]!, hull: convexHull(pts) };
  });
}

/** Visvalingam: drops the hull vertex whose triangle is smallest until maxVertices remain. */
function simplifyHull(hull: Point[], maxVertices: number): Point[] {
  const pts = hull.slice();
  while (pts.length > maxVertices) {
    let best = 0, bestArea = Infinity;
    for (let i = 0; i < pts.length; i++) {
      const a = pts[(i + pts.length - 1) % pts.length]!, b = pts[i]!, c = pts[(i + 1) % pts.length]!;
      const area = Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
      if (area < bestArea) {
        bestArea = area;
        best = i;
      }
    }
    pts.splice(best, 1);
  }
  return pts;
}

/** The largest-area quadrilateral with its vertices on the (convex) polygon's vertices. */
function largestQuad(poly: Point[]): Point[] | null {
  const n = poly.length;
  if (n < 4) return null;
  if (n === 4) return poly.slice();
  const tri = (a: Point, b: Point, c: Point) => Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) / 2;
  let best = -1;
  let quad: Point[] | null = null;
  for (let i = 0; i < n; i++) {
    for (let k = i + 2; k < n; k++) {
      // Best j in (i, k) and l in (k, i + n): each side of the diagonal independently.
      let a1 = -1, j1 = -1;
      for (let j = i + 1; j < k; j++) {
        const a = tri(poly[i]!, poly[j]!, poly[k]!);
        if (a > a1) {
          a1 = a;
          j1 = j;
        }
      }
      let a2 = -1, l2 = -1;
      for (let l = k + 1; l < i + n; l++) {
        const a = tri(poly[k]!, poly[l % n]!, poly[i]!);
        if (a > a2) {
          a2 = a;
          l2 = l % n;
        }
      }
      if (j1 < 0 || l2 < 0) continue;
      if (a1 + a2 > best) {
        best = a1 + a2;
        quad = [poly[i]!, poly[j1]!, poly[k]!, poly[l2]!];
      }
    }
  }
  return quad;
}

/** Bilinear sample of a float image (clamped). */
function sampleSmall(s: Small, v: Float32Array, x: number, y: number): number {
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x > s.w - 1) x = s.w - 1;
  if (y > s.h - 1) y = s.h - 1;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = x0 + 1 < s.w ? x0 + 1 : x0, y1 = y0 + 1 < s.h ? y0 + 1 : y0;
  const fx = x - x0, fy = y - y0;
  const a = v[y0 * s.w + x0]!, b = v[y0 * s.w + x1]!, c = v[y1 * s.w + x0]!, d = v[y1 * s.w + x1]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

interface Scored {
  quad: Quad;
  score: number;
  support: number;
}

/**
 * How much of the quad's outline is an edge with the sheet's side lighter: per side, the share
 * of samples where some offset within ±2 px shows a step of at least minStep across 3 px.
 * Samples on the frame's border count as supported (a sheet cut by the frame).
 */
function edgeSupport(s: Small, v: Float32Array, q: Quad, minStep: number): { mean: number; min: number } {
  const cx = (q[0].x + q[1].x + q[2].x + q[3].x) / 4;
  const cy = (q[0].y + q[1].y + q[2].y + q[3].y) / 4;
  let sum = 0, min = 1;
  for (let side = 0; side < 4; side++) {
    const a = q[side]!, b = q[(side + 1) % 4]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    let nx = -(b.y - a.y) / len, ny = (b.x - a.x) / len;
    const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    if (nx * (mx - cx) + ny * (my - cy) < 0) {
      nx = -nx;
      ny = -ny;
    }
    const n = Math.max(8, Math.floor(len));
    let ok = 0, total = 0;
    for (let k = 0; k < n; k++) {
      const t = 0.1 + (0.8 * (k + 0.5)) / n;
      const px = a.x + (b.x - a.x) * t, py = a.y + (b.y - a.y) * t;
      total++;
      // On the frame's border there is no edge to see: a sheet cut by the frame is not found.
      if (px < 1.5 || py < 1.5 || px > s.w - 2.5 || py > s.h - 2.5) continue;
      let bestStep = -Infinity;
      for (let d = -2; d <= 2; d += 0.5) {
        const inside = sampleSmall(s, v, px + nx * (d - 1.5), py + ny * (d - 1.5));
        const outside = sampleSmall(s, v, px + nx * (d + 1.5), py + ny * (d + 1.5));
        if (inside - outside > bestStep) bestStep = inside - outside;
      }
      if (bestStep >= minStep) ok++;
    }
    const frac = ok / total;
    sum += frac;
    if (frac < min) min = frac;
  }
  return { mean: sum / 4, min };
}

function plausible(q: Quad, w: number, h: number, minArea: number): boolean {
  if (!isConvexQuad(q)) return false;
  const area = Math.abs(polygonArea(q));
  if (area < minArea * w * h) return false;
  const angles = quadAngles(q);
  return angles.every((a) => a > 35 && a < 145);
}

/** Coarse candidates, best first. */
function coarse(s: Small, minArea: number): Scored[] {
  const v = blur5(s.v, s.w, s.h);
  const grad = sobelMagnitude(v, s.w, s.h);
  const { t, low, high } = otsu(v);
  const spread = high - low;
  if (spread < 12) return [];
  // Relative (log) gradient, made when first needed: the sheet's edge is a fixed ratio whatever
  // the light falling on it.
  let glog: Float32Array | null = null;
  const relativeGradient = () => {
    if (!glog) {
      const logv = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) logv[i] = Math.log(Math.max(v[i]!, 0) + 8);
      glog = sobelMagnitude(logv, s.w, s.h);
    }
    return glog;
  };
  const edgeCut = 0.3 * spread;
  const minStep = Math.max(6, 0.22 * spread);
  const minPixels = Math.max(16, Math.floor(minArea * s.w * s.h * 0.5));
  // Masks to try: global thresholds around Otsu's, the same cut along strong edges, and (for
  // uneven light, when no single threshold separates sheet from desk) anything not too dark
  // cut along relative edges.
  type Variant = { th: number; cut: (() => Float32Array) | null; level: number };
  const variants: Variant[] = [];
  for (const th of [t, low + 0.3 * spread, low + 0.45 * spread, low + 0.6 * spread, low + 0.75 * spread]) {
    variants.push({ th, cut: null, level: 0 }, { th, cut: () => grad, level: edgeCut });
  }
  for (const level of [0.035, 0.07]) variants.push({ th: low + 0.1 * spread, cut: relativeGradient, level });
  const mask = new Uint8Array(s.w * s.h);
  const scratch: Scratch = { labels: new Int32Array(s.w * s.h), stack: new Int32Array(s.w * s.h) };
  const seen: Quad[] = [];
  const out: Scored[] = [];
  for (const { th, cut: cutBy, level } of variants) {
    const cut = cutBy ? cutBy() : null;
    if (cut) for (let i = 0; i < mask.length; i++) mask[i] = v[i]! > th && cut[i]! < level ? 1 : 0;
    else for (let i = 0; i < mask.length; i++) mask[i] = v[i]! > th ? 1 : 0;
    for (const comp of components(mask, s.w, s.h, minPixels, scratch)) {
      if (comp.hull.length < 4) continue;
      const hullArea = Math.abs(polygonArea(comp.hull));
      const simple = simplifyHull(comp.hull, 24);
      const raw = largestQuad(simple);
      if (!raw) continue;
      // The edge-cut mask lies ~1 px inside the sheet: grow it back by half the cut band.
      const quad = orderCorners(cut ? grow(raw, 1) : raw);
      if (!plausible(quad, s.w, s.h, minArea)) continue;
      if (seen.some((o) => o.every((p, i) => Math.hypot(p.x - quad[i]!.x, p.y - quad[i]!.y) < 1.5))) continue;
      seen.push(quad);
      const quadArea = Math.abs(polygonArea(quad));
      const fill = Math.min(1, quadArea / hullArea); // 1 when the hull is a quadrilateral
      const { mean, min } = edgeSupport(s, v, quad, minStep);
      const score = mean * (0.5 + 0.5 * min) * fill * fill;
      out.push({ quad, score, support: mean });
    }
    // A clean sheet on a plain desk is settled by the first masks; the rest are for hard frames.
    if (out.some((c) => c.score >= 0.9)) break;
  }
  out.sort((a, b) => b.score - a.score);
  return out;
}

/** Moves every side of a convex quad outwards by d. */
function grow(q: Point[], d: number): Point[] {
  const cx = (q[0]!.x + q[1]!.x + q[2]!.x + q[3]!.x) / 4;
  const cy = (q[0]!.y + q[1]!.y + q[2]!.y + q[3]!.y) / 4;
  const lines: Line[] = [];
  for (let i = 0; i < 4; i++) {
    const l = lineThrough(q[i]!, q[(i + 1) % 4]!);
    const sign = l.a * cx + l.b * cy - l.c < 0 ? 1 : -1; // outward
    lines.push({ a: l.a, b: l.b, c: l.c + sign * d });
  }
  const out: Point[] = [];
  for (let i = 0; i < 4; i++) {
    const p = intersect(lines[(i + 3) % 4]!, lines[i]!);
    if (!p) return q;
    out.push(p);
  }
  return out;
}

/** Paperness at a full-resolution point (bilinear over the four neighbours). */
function featureAt(img: RgbaImage, x: number, y: number): number {
  const W = img.width, H = img.height, d = img.data;
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x > W - 1) x = W - 1;
  if (y > H - 1) y = H - 1;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = x0 + 1 < W ? x0 + 1 : x0, y1 = y0 + 1 < H ? y0 + 1 : y0;
  const fx = x - x0, fy = y - y0;
  let p = (y0 * W + x0) * 4;
  const a = paperness(d[p]!, d[p + 1]!, d[p + 2]!);
  p = (y0 * W + x1) * 4;
  const b = paperness(d[p]!, d[p + 1]!, d[p + 2]!);
  p = (y1 * W + x0) * 4;
  const c = paperness(d[p]!, d[p + 1]!, d[p + 2]!);
  p = (y1 * W + x1) * 4;
  const e = paperness(d[p]!, d[p + 1]!, d[p + 2]!);
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + e * fx) * fy;
}

interface SideFit {
  line: Line;
  /** share of the samples that found a clear edge and fit the line */
  inliers: number;
  /** median step across the edge (paperness levels) */
  step: number;
}

/**
 * Finds the edge near the segment a-b at full resolution: profiles across it (±range px),
 * the steepest light-inside to dark-outside step on each, to a fraction of a pixel, then a
 * robust line through the edge points.
 */
function refineSide(img: RgbaImage, a: Point, b: Point, centre: Point, range: number, minStep: number): SideFit | null {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  if (len < 8) return null;
  const tx = (b.x - a.x) / len, ty = (b.y - a.y) / len;
  let nx = -ty, ny = tx;
  if (nx * ((a.x + b.x) / 2 - centre.x) + ny * ((a.y + b.y) / 2 - centre.y) < 0) {
    nx = -nx;
    ny = -ny;
  }
  const samples = Math.max(16, Math.min(240, Math.floor(len / 6)));
  const span = Math.ceil(range) + 7;
  const prof = new Float64Array(2 * span + 1);
  const xs = new Float64Array(samples), ys = new Float64Array(samples), ws = new Float64Array(samples);
  const steps: number[] = [];
  let n = 0;
  const W = img.width, H = img.height;
  for (let k = 0; k < samples; k++) {
    const t = 0.09 + (0.82 * (k + 0.5)) / samples;
    const px = a.x + (b.x - a.x) * t, py = a.y + (b.y - a.y) * t;
    for (let i = 0; i <= 2 * span; i++) {
      const d = i - span;
      let s = 0;
      for (let j = -2; j <= 2; j++) s += featureAt(img, px + nx * d + tx * j * 1.5, py + ny * d + ty * j * 1.5);
      prof[i] = s / 5;
    }
    let best = -Infinity, bi = -1;
    for (let i = 1; i < 2 * span; i++) {
      const d = i - span;
      if (d < -range || d > range) continue;
      const step = prof[i - 1]! - prof[i + 1]!;
      if (step > best) {
        best = step;
        bi = i;
      }
    }
    if (bi < 0 || best < minStep) continue;
    // The edge must separate a light side from a dark side, not be the flank of a line of print:
    // compare the means of 5 px on either side.
    let inner = 0, outer = 0;
    for (let j = 2; j <= 6; j++) {
      inner += prof[bi - j]!;
      outer += prof[bi + j]!;
    }
    if ((inner - outer) / 5 < minStep) continue;
    let off = 0;
    if (bi > 1 && bi < 2 * span - 1) {
      const l = prof[bi - 2]! - prof[bi]!, c = best, r = prof[bi]! - prof[bi + 2]!;
      const den = l - 2 * c + r;
      if (den < 0) off = Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den));
    }
    const d = bi - span + off;
    const ex = px + nx * d, ey = py + ny * d;
    if (ex < 0 || ey < 0 || ex > W - 1 || ey > H - 1) continue;
    xs[n] = ex;
    ys[n] = ey;
    ws[n] = best;
    steps.push(best);
    n++;
  }
  if (n < Math.max(6, samples * 0.25)) return null;
  // Robust fit: refit on the points within 3 robust sigmas (at least 1 px) of the line.
  let line = fitLine(xs, ys, n);
  if (!line) return null;
  let keep = n;
  const rx = new Float64Array(n), ry = new Float64Array(n);
  for (let iter = 0; iter < 4; iter++) {
    const res: number[] = [];
    for (let i = 0; i < n; i++) res.push(Math.abs(line.a * xs[i]! + line.b * ys[i]! - line.c));
    const sorted = res.slice().sort((p, q) => p - q);
    const mad = sorted[Math.floor(sorted.length / 2)]!;
    const limit = Math.max(1, 3 * 1.4826 * mad);
    keep = 0;
    for (let i = 0; i < n; i++) {
      if (res[i]! <= limit) {
        rx[keep] = xs[i]!;
        ry[keep] = ys[i]!;
        keep++;
      }
    }
    const next = fitLine(rx, ry, keep);
    if (!next) break;
    line = next;
  }
  steps.sort((p, q) => p - q);
  return { line, inliers: keep / samples, step: steps[Math.floor(steps.length / 2)]! };
}

function refine(img: RgbaImage, q: Quad, range: number, minStep: number): { quad: Quad; inliers: number[]; steps: number[] } | null {
  const centre = { x: (q[0].x + q[1].x + q[2].x + q[3].x) / 4, y: (q[0].y + q[1].y + q[2].y + q[3].y) / 4 };
  const fits: SideFit[] = [];
  for (let i = 0; i < 4; i++) {
    const fit = refineSide(img, q[i]!, q[(i + 1) % 4]!, centre, range, minStep);
    if (!fit) return null;
    fits.push(fit);
  }
  const pts: Point[] = [];
  for (let i = 0; i < 4; i++) {
    // Corner i lies between side i-1 (from corner i-1) and side i.
    const p = intersect(fits[(i + 3) % 4]!.line, fits[i]!.line);
    if (!p) return null;
    pts.push(p);
  }
  return { quad: pts as Quad, inliers: fits.map((f) => f.inliers), steps: fits.map((f) => f.step) };
}

export function detectPage(img: RgbaImage, options: DetectPageOptions = {}): PageDetection | null {
  assertImage(img);
  const workSize = options.workSize ?? 640;
  const minArea = options.minArea ?? 0.03;
  const minConfidence = options.minConfidence ?? 0.6;
  if (img.width < 32 || img.height < 32) return null;
  const small = shrink(img, workSize);
  const candidates = coarse(small, minArea);
  if (!candidates.length) return null;
  const f = small.f;
  let best: PageDetection | null = null;
  // Refine the top few: the best coarse score is not always the best page once measured finely.
  for (const cand of candidates.slice(0, 3)) {
    if (cand.score < 0.15) break;
    const full = cand.quad.map((p) => ({ x: p.x * f + (f - 1) / 2, y: p.y * f + (f - 1) / 2 })) as Quad;
    const first = refine(img, full, Math.max(10, 4 * f + 4), EDGE_MIN_STEP);
    if (!first) continue;
    const moved = Math.max(...first.quad.map((p, i) => Math.hypot(p.x - full[i]!.x, p.y - full[i]!.y)));
    if (moved > 6 * f + 12) continue;
    const second = refine(img, first.quad, 4, EDGE_MIN_STEP) ?? first;
    const quad = orderCorners(second.quad);
    if (!isConvexQuad(quad)) continue;
    if (!quad.every((p) => p.x > -0.05 * img.width && p.y > -0.05 * img.height && p.x < 1.05 * img.width && p.y < 1.05 * img.height)) continue;
    const angles = quadAngles(quad);
    if (!angles.every((a) => a > 30 && a < 150)) continue;
    const meanIn = second.inliers.reduce((s, x) => s + x, 0) / 4;
    const minIn = Math.min(...second.inliers);
    const minStepSeen = Math.min(...second.steps);
    const contrast = Math.min(1, minStepSeen / 20);
    const confidence = Math.max(0, Math.min(1, meanIn * (0.4 + 0.6 * minIn) * (0.5 + 0.5 * contrast) * (0.6 + 0.4 * cand.support)));
    if (!best || confidence > best.confidence) best = { corners: quad, confidence: Math.round(confidence * 1000) / 1000 };
    if (best.confidence >= 0.9) break;
  }
  if (!best || best.confidence < minConfidence) return null;
  return best;
}
