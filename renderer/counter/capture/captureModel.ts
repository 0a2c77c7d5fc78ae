/**
 * What the clerk has captured for the ticket at the window, before it is attached: materials
 * (named from the service guide's list, or typed in) holding pages in order. Pure functions
 * over plain data; the screen keeps the images themselves (blobs) beside it by page id.
 */
import type { Quad } from '../../../shared/capture/image';
import type { Bilingual } from '../../../shared/config/text';

export type { Point, Quad } from '../../../shared/capture/image';

export interface CapturedPage {
  id: string;
  /** The frame the page was cut from (kept in memory until attached, for corner adjustment). */
  frame: { width: number; height: number };
  corners: Quad;
  /** Corners found automatically (with the detector's confidence), or set by hand. */
  cornersBy: 'auto' | 'hand' | 'whole-frame';
  confidence: number | null;
  /** Quarter turns clockwise applied to the flattened page. */
  turns: 0 | 1 | 2 | 3;
  /** A page, or an ID card's front and back laid out on one A4 sheet. */
  kind: 'page' | 'id-sheet';
  /** The flattened page's size after turns. */
  width: number;
  height: number;
}

export interface Material {
  id: string;
  name: Bilingual;
  /** From the service guide's list (else typed by the clerk). */
  fromGuide: boolean;
  pages: CapturedPage[];
}

export interface CaptureDraft {
  ticketId: string;
  materials: Material[];
  /** Where the next capture goes. */
  selected: string | null;
}

export function newDraft(ticketId: string, guide: readonly Bilingual[]): CaptureDraft {
  const materials = guide.map((name, i) => ({ id: `m${i + 1}`, name, fromGuide: true, pages: [] }));
  return { ticketId, materials, selected: materials[0]?.id ?? null };
}

export function addMaterial(d: CaptureDraft, name: string): CaptureDraft | { error: Bilingual } {
  const text = name.trim();
  if (!text) return { error: { zh: '请填写材料名称。', en: 'Give the material a name.' } };
  if (text.length > 100) return { error: { zh: '材料名称最多 100 个字。', en: 'A material name has at most 100 characters.' } };
  if (d.materials.some((m) => m.name.zh === text || m.name.en === text)) return { error: { zh: `已有材料“${text}”。`, en: `"${text}" is already listed.` } };
  let n = d.materials.length + 1;
  while (d.materials.some((m) => m.id === `m${n}`)) n++;
  const m: Material = { id: `m${n}`, name: { zh: text, en: text }, fromGuide: false, pages: [] };
  return { ...d, materials: [...d.materials, m], selected: m.id };
}

export function select(d: CaptureDraft, materialId: string): CaptureDraft {
  return d.materials.some((m) => m.id === materialId) ? { ...d, selected: materialId } : d;
}

function mapMaterial(d: CaptureDraft, materialId: string, f: (m: Material) => Material): CaptureDraft {
  return { ...d, materials: d.materials.map((m) => (m.id === materialId ? f(m) : m)) };
}

/** Adds a page to the selected material (the first one when nothing is selected). */
export function addPage(d: CaptureDraft, page: CapturedPage): CaptureDraft {
  const target = d.selected ?? d.materials[0]?.id;
  if (!target) {
    const m: Material = { id: 'm1', name: { zh: '其他材料', en: 'Other material' }, fromGuide: false, pages: [page] };
    return { ...d, materials: [m], selected: m.id };
  }
  return mapMaterial(d, target, (m) => ({ ...m, pages: [...m.pages, page] }));
}

export function findPage(d: CaptureDraft, pageId: string): { material: Material; index: number; page: CapturedPage } | undefined {
  for (const material of d.materials) {
    const index = material.pages.findIndex((p) => p.id === pageId);
    if (index >= 0) return { material, index, page: material.pages[index]! };
  }
  return undefined;
}

export function updatePage(d: CaptureDraft, pageId: string, f: (p: CapturedPage) => CapturedPage): CaptureDraft {
  const found = findPage(d, pageId);
  if (!found) return d;
  return mapMaterial(d, found.material.id, (m) => ({ ...m, pages: m.pages.map((p) => (p.id === pageId ? f(p) : p)) }));
}

export function removePage(d: CaptureDraft, pageId: string): CaptureDraft {
  const found = findPage(d, pageId);
  if (!found) return d;
  return mapMaterial(d, found.material.id, (m) => ({ ...m, pages: m.pages.filter((p) => p.id !== pageId) }));
}

/** Moves a page one place up or down within its material. */
export function movePage(d: CaptureDraft, pageId: string, by: -1 | 1): CaptureDraft {
  const found = findPage(d, pageId);
  if (!found) return d;
  const to = found.index + by;
  if (to < 0 || to >= found.material.pages.length) return d;
  return mapMaterial(d, found.material.id, (m) => {
    const pages = [...m.pages];
    [pages[found.index], pages[to]] = [pages[to]!, pages[found.index]!];
    return { ...m, pages };
  });
}

/** A quarter turn clockwise: the page's width and height swap. */
export function turnPage(p: CapturedPage): CapturedPage {
  return { ...p, turns: ((p.turns + 1) % 4) as CapturedPage['turns'], width: p.height, height: p.width };
}

export function pageCount(d: CaptureDraft): number {
  return d.materials.reduce((n, m) => n + m.pages.length, 0);
}

/** Materials that will be attached: those with pages, in the guide's order. */
export function toAttach(d: CaptureDraft): Material[] {
  return d.materials.filter((m) => m.pages.length > 0);
}

/** Corners are inside the frame and make a convex quadrilateral of a sensible size. */
export function checkQuad(q: Quad, frame: { width: number; height: number }): Bilingual | null {
  for (const p of q) {
    // Pixel centres at integers (shared/capture): the picture's outer edges are at -0.5 and size - 0.5.
    if (!(p.x >= -0.5 && p.y >= -0.5 && p.x <= frame.width - 0.5 && p.y <= frame.height - 0.5)) return { zh: '四个角须在画面内。', en: 'All four corners must be inside the picture.' };
  }
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    const c = q[(i + 2) % 4]!;
    const cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    if (cross === 0) return { zh: '四个角不能在一条线上。', en: 'The corners must not lie on one line.' };
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return { zh: '四个角须围成凸四边形（按左上、右上、右下、左下）。', en: 'The corners must make a convex shape (top-left, top-right, bottom-right, bottom-left).' };
  }
  let area = 0;
  for (let i = 0; i < 4; i++) area += q[i]!.x * q[(i + 1) % 4]!.y - q[(i + 1) % 4]!.x * q[i]!.y;
  if (Math.abs(area) / 2 < frame.width * frame.height * 0.01) return { zh: '选取的区域太小。', en: 'The selected area is too small.' };
  return null;
}

/** The picture's outer corners (pixel centres at integers, as in shared/capture). */
export function wholeFrame(frame: { width: number; height: number }): Quad {
  return [
    { x: -0.5, y: -0.5 },
    { x: frame.width - 0.5, y: -0.5 },
    { x: frame.width - 0.5, y: frame.height - 0.5 },
    { x: -0.5, y: frame.height - 0.5 },
  ];
}
