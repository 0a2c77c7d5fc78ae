/**
 * Plane geometry for document capture: homographies (DLT on four points), lines fitted to
 * edge points, convex hulls and corner ordering.
 */
import type { Point, Quad } from './image';

/** A 3x3 homography, row-major, h[8] normalised to 1: (x, y) -> ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w), w = h6 x + h7 y + h8. */
export type Homography = Float64Array;

/** Solves A x = b in place (Gaussian elimination with partial pivoting). Null when singular. */
export function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    if (pivot !== col) {
      [a[col], a[pivot]] = [a[pivot]!, a[col]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    const row = a[col]!;
    for (let r = col + 1; r < n; r++) {
      const other = a[r]!;
      const f = other[col]! / row[col]!;
      if (f === 0) continue;
      for (let c = col; c < n; c++) other[c] = other[c]! - f * row[c]!;
      b[r] = b[r]! - f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * The homography taking each src[i] to dst[i] (four point pairs, no three collinear): the
 * 8x8 DLT system with h8 = 1. Coordinates are normalised first for a well-conditioned solve.
 */
export function homography(src: readonly Point[], dst: readonly Point[]): Homography {
  if (src.length !== 4 || dst.length !== 4) throw new RangeError('homography needs four point pairs');
  const ns = normaliser(src);
  const nd = normaliser(dst);
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = (src[i]!.x - ns.cx) * ns.s;
    const y = (src[i]!.y - ns.cy) * ns.s;
    const u = (dst[i]!.x - nd.cx) * nd.s;
    const v = (dst[i]!.y - nd.cy) * nd.s;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solveLinear(a, b);
  if (!h) throw new RangeError('degenerate quadrilateral: no homography');
  // H = Td^-1 * Hn * Ts
  const hn = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  const ts = [ns.s, 0, -ns.s * ns.cx, 0, ns.s, -ns.s * ns.cy, 0, 0, 1];
  const tdInv = [1 / nd.s, 0, nd.cx, 0, 1 / nd.s, nd.cy, 0, 0, 1];
  const out = mul3(tdInv, mul3(hn, ts));
  const k = out[8]!;
  return Float64Array.from(out, (v) => v / k);
}

function normaliser(pts: readonly Point[]): { cx: number; cy: number; s: number } {
  let cx = 0, cy = 0;
  for (const p of pts) {
    cx += p.x / pts.length;
    cy += p.y / pts.length;
  }
  let d = 0;
  for (const p of pts) d += Math.hypot(p.x - cx, p.y - cy) / pts.length;
  return { cx, cy, s: d > 0 ? Math.SQRT2 / d : 1 };
}

function mul3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += a[r * 3 + k]! * b[k * 3 + c]!;
    out[r * 3 + c] = s;
  }
  return out;
}

export function applyHomography(h: ArrayLike<number>, p: Point): Point {
  const w = h[6]! * p.x + h[7]! * p.y + h[8]!;
  return { x: (h[0]! * p.x + h[1]! * p.y + h[2]!) / w, y: (h[3]! * p.x + h[4]! * p.y + h[5]!) / w };
}

export function invertHomography(h: ArrayLike<number>): Homography {
  const [a, b, c, d, e, f, g, k, l] = Array.from(h) as [number, number, number, number, number, number, number, number, number];
  const A = e * l - f * k, B = -(d * l - f * g), C = d * k - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) throw new RangeError('homography is singular');
  const inv = [
    A, -(b * l - c * k), b * f - c * e,
    B, a * l - c * g, -(a * f - c * d),
    C, -(a * k - b * g), a * e - b * d,
  ];
  const s = inv[8]!;
  return Float64Array.from(inv, (v) => v / (Math.abs(s) > 1e-15 ? s : det));
}

/** A line a x + b y = c with (a, b) a unit normal. */
export interface Line {
  a: number;
  b: number;
  c: number;
}

/** Total-least-squares line through points (weights optional). Null for fewer than 2 points. */
export function fitLine(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, weights?: ArrayLike<number>): Line | null {
  let sw = 0, mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    sw += w;
    mx += w * xs[i]!;
    my += w * ys[i]!;
  }
  if (n < 2 || sw <= 0) return null;
  mx /= sw;
  my /= sw;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    const dx = xs[i]! - mx, dy = ys[i]! - my;
    sxx += w * dx * dx;
    sxy += w * dx * dy;
    syy += w * dy * dy;
  }
  // The normal is the eigenvector of the smaller eigenvalue of the scatter matrix.
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy); // direction of the line
  const a = -Math.sin(theta), b = Math.cos(theta);
  return { a, b, c: a * mx + b * my };
}

export function intersect(l1: Line, l2: Line): Point | null {
  const det = l1.a * l2.b - l2.a * l1.b;
  if (Math.abs(det) < 1e-9) return null;
  return { x: (l1.c * l2.b - l2.c * l1.b) / det, y: (l1.a * l2.c - l2.a * l1.c) / det };
}

export function lineThrough(p: Point, q: Point): Line {
  const dx = q.x - p.x, dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  const a = -dy / len, b = dx / len;
  return { a, b, c: a * p.x + b * p.y };
}

export function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Convex hull (Andrew's monotone chain), clockwise on screen (y down), no collinear points. */
export function convexHull(points: Point[]): Point[] {
  const pts = points.slice().sort((p, q) => p.x - q.x || p.y - q.y);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  // Counter-clockwise in math axes is clockwise on screen (y down).
  return lower.concat(upper);
}

/** Signed area (positive when clockwise on screen). */
export function polygonArea(poly: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!, q = poly[(i + 1) % poly.length]!;
    s += p.x * q.y - q.x * p.y;
  }
  return s / 2;
}

/**
 * Orders four corners as [TL, TR, BR, BL]: clockwise on screen, starting from the corner nearest
 * the image's top-left (smallest x + y; ties to the smaller y).
 */
export function orderCorners(pts: readonly Point[]): Quad {
  if (pts.length !== 4) throw new RangeError('orderCorners needs four points');
  const cx = (pts[0]!.x + pts[1]!.x + pts[2]!.x + pts[3]!.x) / 4;
  const cy = (pts[0]!.y + pts[1]!.y + pts[2]!.y + pts[3]!.y) / 4;
  // Clockwise on screen = increasing atan2(y, x) with y down.
  const sorted = pts.slice().sort((p, q) => Math.atan2(p.y - cy, p.x - cx) - Math.atan2(q.y - cy, q.x - cx));
  let start = 0;
  for (let i = 1; i < 4; i++) {
    const p = sorted[i]!, s = sorted[start]!;
    if (p.x + p.y < s.x + s.y - 1e-9 || (Math.abs(p.x + p.y - s.x - s.y) <= 1e-9 && p.y < s.y)) start = i;
  }
  return [0, 1, 2, 3].map((k) => ({ ...sorted[(start + k) % 4]! })) as Quad;
}

export function distance(p: Point, q: Point): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

/** Interior angles of a quad in degrees. */
export function quadAngles(q: readonly Point[]): number[] {
  return q.map((p, i) => {
    const a = q[(i + 3) % 4]!, b = q[(i + 1) % 4]!;
    const v1x = a.x - p.x, v1y = a.y - p.y, v2x = b.x - p.x, v2y = b.y - p.y;
    const cos = (v1x * v2x + v1y * v2y) / (Math.hypot(v1x, v1y) * Math.hypot(v2x, v2y) || 1);
    return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
  });
}

export function isConvexQuad(q: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const c = cross(q[i]!, q[(i + 1) % 4]!, q[(i + 2) % 4]!);
    if (Math.abs(c) < 1e-9) return false;
    const s = Math.sign(c);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
