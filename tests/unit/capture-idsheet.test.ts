import { describe, expect, it } from 'vitest';
import { detectPage } from '../../shared/capture/detectPage';
import { composeIdSheet, idSheetLayout } from '../../shared/capture/idCardSheet';
import { createImage, type RgbaImage } from '../../shared/capture/image';
import { outputSize, perspectiveWarp } from '../../shared/capture/warp';
import { idCardsMeta, loadJpeg } from '../fixtures/capture/load';

const pxToMm = (px: number, dpi: number) => (px / dpi) * 25.4;

/** Bounding box of the pixels that are not white. */
function inkBox(img: RgbaImage, x0: number, y0: number, x1: number, y1: number) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * img.width + x) * 4;
      if (img.data[o]! < 250 || img.data[o + 1]! < 250 || img.data[o + 2]! < 250) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

describe('ID card sheet (身份证正反面合成)', () => {
  it('lays both sides out at true size (85.6 x 54 mm) on A4 at 300 dpi, centred, front above back with a gap', () => {
    const l = idSheetLayout();
    expect([l.width, l.height]).toEqual([2480, 3508]);
    for (const r of [l.front, l.back]) {
      expect(pxToMm(r.width, 300)).toBeCloseTo(85.6, 1);
      expect(pxToMm(r.height, 300)).toBeCloseTo(54, 1);
      expect(Math.abs(r.x + r.width / 2 - l.width / 2)).toBeLessThanOrEqual(1);
    }
    expect(l.back.y).toBeGreaterThan(l.front.y + l.front.height);
    expect(pxToMm(l.back.y - (l.front.y + l.front.height), 300)).toBeCloseTo(20, 0);
    const middle = (l.front.y + l.back.y + l.back.height) / 2;
    expect(Math.abs(middle - l.height / 2)).toBeLessThanOrEqual(1);
  });

  it('scales each side to the card size on a white page, whatever the crops measured, and turns a portrait crop', () => {
    const front = createImage(500, 316, [200, 40, 40]);
    const back = createImage(316 * 2, 500 * 2, [40, 40, 200]); // portrait: photographed sideways
    const sheet = composeIdSheet(front, back);
    const l = idSheetLayout();
    expect([sheet.width, sheet.height]).toEqual([2480, 3508]);
    const f = inkBox(sheet, 0, 0, sheet.width, l.front.y + l.front.height + 10);
    const b = inkBox(sheet, 0, l.back.y - 10, sheet.width, sheet.height);
    expect(f).toEqual(l.front);
    expect(b).toEqual(l.back);
    const px = (x: number, y: number) => Array.from(sheet.data.subarray((y * sheet.width + x) * 4, (y * sheet.width + x) * 4 + 3));
    expect(px(l.front.x + 100, l.front.y + 100)).toEqual([200, 40, 40]);
    expect(px(l.back.x + 100, l.back.y + 100)).toEqual([40, 40, 200]);
    // white around the cards, and outside the rounded corners (r = 3.18 mm)
    expect(px(10, 10)).toEqual([255, 255, 255]);
    expect(px(l.front.x, l.front.y)).toEqual([255, 255, 255]);
    expect(px(l.back.x + l.back.width - 1, l.back.y + l.back.height - 1)).toEqual([255, 255, 255]);
    expect(px(l.front.x + 38, l.front.y)).toEqual([200, 40, 40]);
  });

  it('builds the sheet from the photographed fixture cards: detected, flattened at 300 dpi, laid out at true size', () => {
    const meta = idCardsMeta();
    const sides = [meta.front, meta.back].map((side) => {
      const photo = loadJpeg(side.file);
      const found = detectPage(photo)!;
      expect(found).not.toBeNull();
      const size = outputSize(found.corners, 300);
      expect(size).toMatchObject({ paper: 'ID-1', width: 1011, height: 638 });
      return perspectiveWarp(photo, found.corners, size.width, size.height);
    });
    const sheet = composeIdSheet(sides[0]!, sides[1]!);
    const l = idSheetLayout();
    const f = inkBox(sheet, 0, 0, sheet.width, l.front.y + l.front.height + 10);
    const b = inkBox(sheet, 0, l.back.y - 10, sheet.width, sheet.height);
    for (const [box, want] of [
      [f, l.front],
      [b, l.back],
    ] as const) {
      expect(Math.abs(pxToMm(box.width, 300) - 85.6)).toBeLessThan(0.3);
      expect(Math.abs(pxToMm(box.height, 300) - 54)).toBeLessThan(0.3);
      expect(Math.abs(box.x - want.x)).toBeLessThanOrEqual(3);
      expect(Math.abs(box.y - want.y)).toBeLessThanOrEqual(3);
    }
  });
});
