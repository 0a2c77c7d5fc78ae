/**
 * 身份证正反面合成: the ID card's two sides on one A4 page at true size (85.6 x 54 mm each),
 * centred, one above the other with a gap, on white, as a photocopy of the card would be.
 */
import { createImage, paste, resize, type RgbaImage } from './image';
import { A4_MM, ID1_MM, mmToPx, rotate90 } from './warp';

/** ISO/IEC 7810 ID-1 corner radius. */
export const ID1_CORNER_MM = 3.18;

export interface IdSheetOptions {
  /** Resolution of the page (default 300: A4 is 2480 x 3508 px). */
  dpi?: number;
  /** Gap between the two cards (default 20 mm). */
  gapMm?: number;
  /** Whiten what lies outside the card's rounded corners (default true). */
  roundCorners?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface IdSheetLayout {
  width: number;
  height: number;
  dpi: number;
  front: Rect;
  back: Rect;
}

/** Where the two cards go on the page: centred horizontally, the pair centred vertically. */
export function idSheetLayout(options: IdSheetOptions = {}): IdSheetLayout {
  const dpi = options.dpi ?? 300;
  const gapMm = options.gapMm ?? 20;
  const width = mmToPx(A4_MM.width, dpi);
  const height = mmToPx(A4_MM.height, dpi);
  const cw = mmToPx(ID1_MM.width, dpi);
  const ch = mmToPx(ID1_MM.height, dpi);
  const gap = mmToPx(gapMm, dpi);
  const x = Math.round((width - cw) / 2);
  const top = Math.round((height - (2 * ch + gap)) / 2);
  return {
    width,
    height,
    dpi,
    front: { x, y: top, width: cw, height: ch },
    back: { x, y: top + ch + gap, width: cw, height: ch },
  };
}

/**
 * Composes the front (人像面) above the back (国徽面) on a white A4 page. Each side is an image
 * of the card already cropped to its edges (e.g. perspectiveWarp with the detected corners); a
 * portrait crop is turned a quarter clockwise first. Each is scaled to exactly 85.6 x 54 mm.
 */
export function composeIdSheet(front: RgbaImage, back: RgbaImage, options: IdSheetOptions = {}): RgbaImage {
  const layout = idSheetLayout(options);
  const page = createImage(layout.width, layout.height, [255, 255, 255]);
  const radius = options.roundCorners === false ? 0 : (ID1_CORNER_MM / 25.4) * layout.dpi;
  for (const [img, rect] of [
    [front, layout.front],
    [back, layout.back],
  ] as const) {
    const landscape = img.height > img.width ? rotate90(img, 1) : img;
    const card = resize(landscape, rect.width, rect.height);
    if (radius > 0) whitenCorners(card, radius);
    paste(page, card, rect.x, rect.y);
  }
  return page;
}

/** Paints white what lies outside a rounded rectangle of the given corner radius (anti-aliased). */
function whitenCorners(img: RgbaImage, radius: number): void {
  const r = Math.min(radius, img.width / 2, img.height / 2);
  const n = Math.ceil(r);
  const d = img.data;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      // Distance of the pixel centre from the arc's centre, for the top-left corner.
      const dx = Math.max(0, r - (x + 0.5)), dy = Math.max(0, r - (y + 0.5));
      const cover = Math.max(0, Math.min(1, r - Math.hypot(dx, dy) + 0.5));
      if (cover >= 1) continue;
      for (const [px, py] of [
        [x, y],
        [img.width - 1 - x, y],
        [x, img.height - 1 - y],
        [img.width - 1 - x, img.height - 1 - y],
      ] as const) {
        const p = (py * img.width + px) * 4;
        for (let c = 0; c < 3; c++) d[p + c] = d[p + c]! * cover + 255 * (1 - cover);
      }
    }
  }
}
