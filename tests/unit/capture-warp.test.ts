import { describe, expect, it } from 'vitest';
import { applyHomography, homography, invertHomography, orderCorners } from '../../shared/capture/geometry';
import { createImage, resize, type Point, type RgbaImage } from '../../shared/capture/image';
import { enhance, outputSize, perspectiveWarp, rotate90, warpSourcePoint } from '../../shared/capture/warp';
import { rng } from '../fixtures/capture/synthetic';

/** The test page: quadrants red / green / blue / yellow (TL, TR, BR, BL), with an 8x8 checkerboard darkening. */
function pageColour(u: number, v: number): [number, number, number] {
  const base: [number, number, number] = u < 0.5 ? (v < 0.5 ? [220, 40, 40] : [220, 220, 40]) : v < 0.5 ? [40, 200, 40] : [40, 40, 220];
  const dark = (Math.floor(u * 8) + Math.floor(v * 8)) % 2 === 1;
  return dark ? [base[0] * 0.5, base[1] * 0.5, base[2] * 0.5] : base;
}

/** Renders the test page into a w x h frame through the quad (page outside: grey). */
function photographed(w: number, h: number, corners: Point[]): RgbaImage {
  const img = createImage(w, h, [90, 90, 90]);
  // Page coords of each pixel: unit square <- image (edges of the page at the quad).
  const toPage = homography(corners, [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 0, y: 1 },
  ]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = applyHomography(toPage, { x, y });
      if (p.x < 0 || p.x >= 1 || p.y < 0 || p.y >= 1) continue;
      const c = pageColour(p.x, p.y);
      img.data.set([c[0], c[1], c[2], 255], (y * w + x) * 4);
    }
  }
  return img;
}

describe('homography', () => {
  it('maps each of the four source points onto its destination and back', () => {
    const src = [
      { x: 10, y: 20 },
      { x: 900, y: 60 },
      { x: 850, y: 700 },
      { x: 40, y: 650 },
    ];
    const dst = [
      { x: 0, y: 0 },
      { x: 2480, y: 0 },
      { x: 2480, y: 3508 },
      { x: 0, y: 3508 },
    ];
    const h = homography(src, dst);
    const back = invertHomography(h);
    src.forEach((p, i) => {
      const q = applyHomography(h, p);
      expect(q.x).toBeCloseTo(dst[i]!.x, 6);
      expect(q.y).toBeCloseTo(dst[i]!.y, 6);
      const r = applyHomography(back, q);
      expect(r.x).toBeCloseTo(p.x, 6);
      expect(r.y).toBeCloseTo(p.y, 6);
    });
  });

  it('refuses a degenerate quad', () => {
    const line = [0, 1, 2, 3].map((i) => ({ x: i * 10, y: i * 10 }));
    expect(() => homography(line, orderCorners([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }]))).toThrow();
  });
});

describe('perspectiveWarp', () => {
  const corners = [
    { x: 130.5, y: 90.25 },
    { x: 610.75, y: 60.5 },
    { x: 680.25, y: 560.5 },
    { x: 90.5, y: 520.75 },
  ];
  const photo = photographed(760, 620, corners);

  it('maps the quad onto the output rectangle: every checkerboard cell and quadrant lands where it belongs', () => {
    const W = 400, H = 560;
    const flat = perspectiveWarp(photo, corners, W, H);
    expect([flat.width, flat.height]).toEqual([W, H]);
    let checked = 0;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const u = (i + 0.5) / 8, v = (j + 0.5) / 8;
        const x = Math.round(u * W - 0.5), y = Math.round(v * H - 0.5);
        const want = pageColour(u, v);
        const o = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) expect(Math.abs(flat.data[o + c]! - want[c]!)).toBeLessThanOrEqual(3);
        checked++;
      }
    }
    expect(checked).toBe(64);
  });

  it('puts the page corners at the outer corners of the output (no desk in the corner pixels)', () => {
    const W = 200, H = 280;
    const flat = perspectiveWarp(photo, corners, W, H);
    const at = (x: number, y: number) => Array.from(flat.data.subarray((y * W + x) * 4, (y * W + x) * 4 + 3));
    // One pixel in from each corner is the page's own colour, not the grey desk.
    const near = (got: number[], want: number[]) => got.forEach((v, c) => expect(Math.abs(v - want[c]!)).toBeLessThanOrEqual(3));
    near(at(1, 1), pageColour(0.001, 0.001)); // red, light cell
    near(at(W - 2, 1), pageColour(0.999, 0.001)); // green, dark cell
    near(at(W - 2, H - 2), pageColour(0.999, 0.999)); // blue, light cell
    near(at(1, H - 2), pageColour(0.001, 0.999)); // yellow, dark cell
    // And the homography sends the output's outer corners to the quad's corners exactly.
    const src = warpSourcePoint(corners, W, H, { x: -0.5, y: -0.5 });
    expect(src.x).toBeCloseTo(corners[0]!.x, 6);
    expect(src.y).toBeCloseTo(corners[0]!.y, 6);
    const br = warpSourcePoint(corners, W, H, { x: W - 0.5, y: H - 0.5 });
    expect(br.x).toBeCloseTo(corners[2]!.x, 6);
    expect(br.y).toBeCloseTo(corners[2]!.y, 6);
  });

  it('fills what lies outside the source with white', () => {
    const outside = [
      { x: -100, y: -100 },
      { x: 200, y: -100 },
      { x: 200, y: 200 },
      { x: -100, y: 200 },
    ];
    const flat = perspectiveWarp(photo, outside, 30, 30);
    expect(Array.from(flat.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
  });
});

describe('outputSize', () => {
  const rect = (w: number, h: number): Point[] => [
    { x: 100, y: 100 },
    { x: 100 + w, y: 100 },
    { x: 100 + w, y: 100 + h },
    { x: 100, y: 100 + h },
  ];

  it('takes A4 at true size when the quad has A4 proportions: 2480 x 3508 at 300 dpi, turned with the page', () => {
    expect(outputSize(rect(1000, 1400), 300)).toMatchObject({ width: 2480, height: 3508, paper: 'A4', widthMm: 210, heightMm: 297 });
    expect(outputSize(rect(1400, 1000), 300)).toMatchObject({ width: 3508, height: 2480, paper: 'A4' });
    expect(outputSize(rect(1000, 1400), 150)).toMatchObject({ width: 1240, height: 1754 });
  });

  it('keeps the photo resolution with the exact A4 proportions when no dpi is given', () => {
    const s = outputSize(rect(1000, 1400));
    expect(s.paper).toBe('A4');
    expect(s.height).toBe(1400);
    expect(s.height / s.width).toBeCloseTo(Math.SQRT2, 2);
  });

  it('recognises an ID card (85.6 x 54 mm) and otherwise keeps the measured proportions', () => {
    expect(outputSize(rect(856, 540), 300)).toMatchObject({ width: 1011, height: 638, paper: 'ID-1' });
    const square = outputSize(rect(800, 780), 300);
    expect(square.paper).toBeNull();
    expect(square.width).toBe(800);
    expect(square.height).toBe(780);
  });

  it('measures a keystoned page by its longer sides', () => {
    const q = [
      { x: 150, y: 100 },
      { x: 1050, y: 100 },
      { x: 1100, y: 1440 },
      { x: 100, y: 1440 },
    ];
    const s = outputSize(q);
    expect(s.paper).toBe('A4');
    expect(s.height).toBe(Math.round(Math.hypot(50, 1340)));
    expect(s.height / s.width).toBeCloseTo(Math.SQRT2, 2);
  });
});

describe('rotate90', () => {
  const w = 7, h = 4;
  const img = createImage(w, h);
  for (let i = 0; i < w * h; i++) img.data.set([i, 255 - i, i * 3, 255], i * 4);

  it('turns clockwise: the top-left pixel goes to the top-right, and the size swaps', () => {
    const r = rotate90(img, 1);
    expect([r.width, r.height]).toEqual([h, w]);
    expect(Array.from(r.data.subarray((0 * h + (h - 1)) * 4, (0 * h + (h - 1)) * 4 + 4))).toEqual([0, 255, 0, 255]);
    const l = rotate90(img, -1);
    // counter-clockwise: the top-left goes to the bottom-left
    expect(Array.from(l.data.subarray(((w - 1) * h + 0) * 4, ((w - 1) * h + 0) * 4 + 1))).toEqual([0]);
  });

  it('comes back to the same image after four turns, after a turn and its reverse, and after two half turns', () => {
    const same = (a: RgbaImage) => expect(a.width === w && a.height === h && a.data.every((v, i) => v === img.data[i])).toBe(true);
    same(rotate90(rotate90(rotate90(rotate90(img, 1), 1), 1), 1));
    same(rotate90(rotate90(img, 1), -1));
    same(rotate90(rotate90(img, 2), 2));
    same(rotate90(img, 4));
    same(rotate90(rotate90(img, 3), 5));
  });
});

describe('resize', () => {
  it('averages when shrinking (a fine checkerboard becomes even grey) and keeps a flat colour exact', () => {
    const img = createImage(64, 64);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) img.data.fill((x + y) % 2 ? 255 : 0, (y * 64 + x) * 4, (y * 64 + x) * 4 + 3);
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
    const small = resize(img, 16, 16);
    for (let i = 0; i < small.data.length; i += 4) expect(Math.abs(small.data[i]! - 127.5)).toBeLessThanOrEqual(20);
    const flat = resize(createImage(30, 20, [10, 200, 90]), 77, 51);
    expect(flat.data.every((v, i) => v === [10, 200, 90, 255][i % 4])).toBe(true);
  });
});

describe('enhance', () => {
  it('evens out a lighting gradient on the paper and keeps the text dark', () => {
    const W = 600, H = 800;
    const img = createImage(W, H);
    const r = rng(4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const light = 1 - 0.3 * (x / W) - 0.2 * (y / H);
        const text = y % 40 < 6 && x > 60 && x < 540;
        const v = (text ? 40 : 235) * light + (r() - 0.5) * 4;
        img.data.set([v * 1.05, v, v * 0.9, 255], (y * W + x) * 4);
      }
    }
    const lum = (im: RgbaImage, x: number, y: number) => {
      const o = (y * W + x) * 4;
      return 0.299 * im.data[o]! + 0.587 * im.data[o + 1]! + 0.114 * im.data[o + 2]!;
    };
    const out = enhance(img);
    const paperBefore = [lum(img, 20, 20), lum(img, W - 20, H - 20)];
    const paperAfter = [lum(out, 20, 20), lum(out, W - 20, H - 20)];
    expect(paperBefore[0]! - paperBefore[1]!).toBeGreaterThan(100);
    expect(Math.abs(paperAfter[0]! - paperAfter[1]!)).toBeLessThan(15);
    expect(Math.min(...paperAfter)).toBeGreaterThan(225);
    // neutral paper (the warm cast is gone) and dark text
    const o = (20 * W + 20) * 4;
    expect(Math.abs(out.data[o]! - out.data[o + 2]!)).toBeLessThan(8);
    expect(lum(out, 300, 402)).toBeLessThan(90);
  });
});
