import { describe, expect, it } from 'vitest';
import { detectPage } from '../../shared/capture/detectPage';
import { cross } from '../../shared/capture/geometry';
import type { Point } from '../../shared/capture/image';
import { idCardsMeta, loadJpeg, loadY4m, pagePhotoMeta } from '../fixtures/capture/load';
import { cornerError, placedRect, scene, type Desk } from '../fixtures/capture/synthetic';

function maxError(found: readonly Point[], truth: readonly Point[]): number {
  return Math.max(...found.map((p, i) => Math.hypot(p.x - truth[i]!.x, p.y - truth[i]!.y)));
}

function clockwise(q: readonly Point[]): boolean {
  return q.every((p, i) => cross(p, q[(i + 1) % 4]!, q[(i + 2) % 4]!) > 0);
}

describe('detectPage on the photographed fixture', () => {
  const meta = pagePhotoMeta();

  it('finds the A4 page in the 3264x2448 photo within 4 px of its true corners, in TL, TR, BR, BL order', () => {
    const photo = loadJpeg(meta.photo.file);
    expect([photo.width, photo.height]).toEqual([3264, 2448]);
    const found = detectPage(photo);
    expect(found).not.toBeNull();
    expect(maxError(found!.corners, meta.photo.corners)).toBeLessThanOrEqual(4);
    expect(found!.confidence).toBeGreaterThan(0.8);
    expect(clockwise(found!.corners)).toBe(true);
  });

  it('finds the page in the 1280x720 camera frame (the fake camera file) within 4 px', () => {
    const frame = loadY4m(meta.video.file);
    expect([frame.width, frame.height]).toEqual([1280, 720]);
    const found = detectPage(frame);
    expect(found).not.toBeNull();
    expect(maxError(found!.corners, meta.video.corners)).toBeLessThanOrEqual(4);
  });

  it('finds both sides of the ID card (rounded corners) at the intersections of its straight edges', () => {
    const cards = idCardsMeta();
    for (const side of [cards.front, cards.back]) {
      const found = detectPage(loadJpeg(side.file));
      expect(found, side.file).not.toBeNull();
      expect(maxError(found!.corners, side.corners)).toBeLessThanOrEqual(3);
    }
  });
});

describe('detectPage on synthetic frames', () => {
  const W = 960, H = 720;
  const cases: { name: string; corners: Point[]; desk: Desk; falloff?: number }[] = [
    { name: 'portrait sheet turned 12° on wood', corners: placedRect(480, 360, 420, 592, 12), desk: 'wood' },
    { name: 'sheet turned -30° near the left on a dark mat', corners: placedRect(315, 375, 330, 465, -30), desk: 'mat' },
    { name: 'landscape sheet in the bottom right on a light grey desk', corners: placedRect(645, 465, 480, 338, 4), desk: 'grey' },
    { name: 'strong keystone on a blue mat', corners: placedRect(480, 360, 450, 600, -5, 0.18), desk: 'blue' },
    { name: 'small receipt in the top left', corners: placedRect(240, 180, 158, 225, 20), desk: 'wood' },
    { name: 'sheet turned 40°', corners: placedRect(480, 360, 360, 480, 40), desk: 'mat' },
    { name: 'sheet turned a quarter', corners: placedRect(480, 360, 420, 592, 90), desk: 'grey' },
    { name: 'sheet on a light beige desk, its far side darker than the desk near the lamp', corners: placedRect(480, 360, 420, 592, 8), desk: 'light', falloff: 0.5 },
  ];
  for (const c of cases) {
    it(`finds a ${c.name} within 1.5 px`, () => {
      const s = scene({ width: W, height: H, corners: c.corners, desk: c.desk, falloff: c.falloff, seed: 11 });
      const found = detectPage(s.image);
      expect(found).not.toBeNull();
      expect(cornerError(found!.corners, s.corners!)).toBeLessThanOrEqual(1.5);
      expect(clockwise(found!.corners)).toBe(true);
    });
  }

  it('returns the corners in TL, TR, BR, BL order for a slightly turned sheet', () => {
    const s = scene({ width: W, height: H, corners: placedRect(480, 360, 420, 592, -8), desk: 'wood', seed: 3 });
    const found = detectPage(s.image)!;
    expect(maxError(found.corners, s.corners!)).toBeLessThanOrEqual(1.5);
  });

  for (const desk of ['wood', 'mat', 'grey'] as const) {
    it(`finds no page on an empty ${desk} desk`, () => {
      const s = scene({ width: W, height: H, corners: null, desk, seed: 5 });
      const found = detectPage(s.image, { minConfidence: 0 });
      expect(found === null || found.confidence < 0.5).toBe(true);
      expect(detectPage(s.image)).toBeNull();
    });
  }

  it('finds no page when the sheet runs off the frame (the clerk is asked to move it)', () => {
    const s = scene({ width: W, height: H, corners: placedRect(150, 360, 420, 592, 5), desk: 'mat', seed: 4 });
    expect(detectPage(s.image)).toBeNull();
  });

  it('finds no page in a frame that is all paper or too small', () => {
    const blank = scene({ width: 480, height: 360, corners: null, desk: 'grey', seed: 2, falloff: 0 });
    for (let i = 0; i < blank.image.data.length; i += 4) blank.image.data.fill(235, i, i + 3);
    expect(detectPage(blank.image)).toBeNull();
    expect(detectPage({ width: 8, height: 8, data: new Uint8ClampedArray(256) })).toBeNull();
  });
});
