/**
 * Attaching what was captured to the ticket at the window (materials received): each page is
 * stored on this terminal by its content hash and queued for upload, each material's pages are
 * also bound into one PDF for the back office, and one `material.attached` event per material
 * goes into the hall's log. Offline this all happens locally; the uploader sends the files when
 * the server is back, and the event syncs like every other.
 */
import { makePdf, type PdfPage } from '../../../shared/capture/pdf';
import type { Bilingual } from '../../../shared/config/text';
import type { PayloadInput } from '../../../shared/events/payloads';
import { storePage, storePdf } from '../../materials/materialStore';
import type { TerminalDatabase } from '../../db/database';
import type { CapturedPage, Material } from './captureModel';

export interface AttachEnv {
  db: Pick<TerminalDatabase, 'materialBlobs' | 'transaction'>;
  author(type: 'material.attached', payload: PayloadInput<'material.attached'>): Promise<unknown>;
  now(): number;
}

/** The encoded pages, by page id (kept by the screen beside the draft). */
export type PageImages = ReadonlyMap<string, { jpeg: Blob }>;

/** A4 or ID-sheet pages print at their true size; anything else fits the PDF's A4 page. */
function pdfPage(p: CapturedPage, jpeg: Uint8Array): PdfPage {
  const a4 = p.kind === 'id-sheet' || Math.abs(Math.max(p.width, p.height) / Math.min(p.width, p.height) - 297 / 210) < 0.02;
  const portrait = p.height >= p.width;
  return { jpeg, width: p.width, height: p.height, ...(a4 ? { widthMm: portrait ? 210 : 297, heightMm: portrait ? 297 : 210 } : {}) };
}

/** The pages of the given materials as one PDF (the counter's "export PDF", and each material's own). */
export async function materialsPdf(materials: readonly Material[], images: PageImages, title: string): Promise<Uint8Array> {
  const pages: PdfPage[] = [];
  for (const m of materials) {
    for (const p of m.pages) {
      const img = images.get(p.id);
      if (!img) throw new Error(`page ${p.id} has no image`);
      pages.push(pdfPage(p, new Uint8Array(await img.jpeg.arrayBuffer())));
    }
  }
  return makePdf(pages, { title });
}

export type Attached = { ok: true; materials: number; pages: number } | { ok: false; message: Bilingual };

export async function attachMaterials(env: AttachEnv, at: { ticketId: string; windowId: string }, materials: readonly Material[], images: PageImages, newId: () => string): Promise<Attached> {
  const todo = materials.filter((m) => m.pages.length > 0);
  if (todo.length === 0) return { ok: false, message: { zh: '还没有拍摄任何材料。', en: 'Nothing has been captured yet.' } };
  let pages = 0;
  try {
    for (const m of todo) {
      const stored = [];
      for (const p of m.pages) {
        const img = images.get(p.id);
        if (!img) throw new Error(`page ${p.id} has no image`);
        const file = await storePage(env.db, img.jpeg, { width: p.width, height: p.height, mime: 'image/jpeg' }, env.now);
        stored.push({ ...file, width: p.width, height: p.height, mime: 'image/jpeg' as const });
      }
      const pdf = await storePdf(env.db, new Blob([(await materialsPdf([m], images, m.name.zh)) as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), env.now);
      await env.author('material.attached', { ticketId: at.ticketId, windowId: at.windowId, materialId: newId(), name: m.name.zh, pages: stored, pdf });
      pages += stored.length;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: { zh: `材料未能保存：${why}`, en: `The materials were not saved: ${why}` } };
  }
  return { ok: true, materials: todo.length, pages };
}
