import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createImage } from '../../shared/capture/image';
import { jpegInfo, makePdf, type PdfPage } from '../../shared/capture/pdf';
import { encodeJpeg, fixturePath } from '../fixtures/capture/load';

// poppler-utils (pdfinfo, pdftoppm) reads back what we write: scripts/install-system-deps.sh.
function poppler(tool: 'pdfinfo' | 'pdftoppm', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${tool} is missing: install poppler-utils (scripts/install-system-deps.sh)`);
    throw e;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hallq-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A white page with a black block covering the box [x0, x1) x [y0, y1) in fractions of the page. */
function page(w: number, h: number, box: [number, number, number, number], quality = 80): PdfPage {
  const img = createImage(w, h, [255, 255, 255]);
  for (let y = Math.round(box[1] * h); y < Math.round(box[3] * h); y++) {
    for (let x = Math.round(box[0] * w); x < Math.round(box[2] * w); x++) img.data.set([0, 0, 0, 255], (y * w + x) * 4);
  }
  return { jpeg: encodeJpeg(img, quality), width: w, height: h };
}

/** pdftoppm's greyscale render of one page as { width, height, grey }. */
function render(file: string, pageNo: number, dpi: number): { width: number; height: number; grey: Uint8Array } {
  const prefix = join(dir, `r${pageNo}-${dpi}`);
  poppler('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(pageNo), '-l', String(pageNo), file, prefix]);
  const out = readdirSync(dir).find((f) => f.startsWith(`r${pageNo}-${dpi}`) && f.endsWith('.pgm'))!;
  const bytes = readFileSync(join(dir, out));
  // P5\n<w> <h>\n255\n<data>
  const header = new TextDecoder().decode(bytes.subarray(0, 40)).split(/\s+/);
  const width = Number(header[1]), height = Number(header[2]);
  const grey = bytes.subarray(bytes.length - width * height);
  return { width, height, grey };
}

function info(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of poppler('pdfinfo', ['-f', '1', '-l', '100', file]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

describe('makePdf', () => {
  it('writes one A4 page per image: pdfinfo counts 10 pages of 595 x 842 pt', () => {
    const pages = Array.from({ length: 10 }, (_, i) => page(248, 351, [0.1, 0.05 + i * 0.08, 0.3, 0.1 + i * 0.08]));
    const file = join(dir, 'ten.pdf');
    writeFileSync(file, makePdf(pages, { title: '申请材料' }));
    const i = info(file);
    expect(i['Pages']).toBe('10');
    expect(i['Page    1 size']).toMatch(/^595\.27\d? x 841\.89 pts \(A4\)/);
    expect(i['Page   10 size']).toMatch(/\(A4\)/);
    expect(i['Title']).toBe('申请材料');
  });

  it('renders: the image fills an A4 page and its black block is where it was drawn', () => {
    const file = join(dir, 'render.pdf');
    writeFileSync(file, makePdf([page(210 * 4, 297 * 4, [0.25, 0.5, 0.75, 0.75])]));
    const r = render(file, 1, 36);
    expect([r.width, r.height]).toEqual([298, 421]);
    const at = (fx: number, fy: number) => r.grey[Math.floor(fy * r.height) * r.width + Math.floor(fx * r.width)]!;
    expect(at(0.5, 0.62)).toBeLessThan(40); // inside the block
    expect(at(0.5, 0.3)).toBeGreaterThan(215); // white paper above
    expect(at(0.1, 0.62)).toBeGreaterThan(215); // and beside
  });

  it('fits a landscape image on a landscape A4 page and keeps its proportions (centred, white bars)', () => {
    const file = join(dir, 'wide.pdf');
    // 2:1 image: on landscape A4 (297 x 210) it is 297 x 148.5 mm, centred.
    writeFileSync(file, makePdf([page(800, 400, [0, 0, 1, 1])]));
    expect(info(file)['Page    1 size']).toMatch(/^841\.89 x 595\.27\d? pts/);
    const r = render(file, 1, 36);
    const at = (fx: number, fy: number) => r.grey[Math.floor(fy * r.height) * r.width + Math.floor(fx * r.width)]!;
    expect(at(0.5, 0.5)).toBeLessThan(40);
    expect(at(0.5, 0.1)).toBeGreaterThan(215);
    expect(at(0.5, 0.9)).toBeGreaterThan(215);
  });

  it('uses the given true size for the page when widthMm and heightMm are set', () => {
    const file = join(dir, 'card.pdf');
    writeFileSync(file, makePdf([{ ...page(1011, 638, [0.1, 0.1, 0.2, 0.2]), widthMm: 85.6, heightMm: 54 }]));
    const m = /^([\d.]+) x ([\d.]+) pts/.exec(info(file)['Page    1 size']!)!;
    expect((Number(m[1]) / 72) * 25.4).toBeCloseTo(85.6, 1);
    expect((Number(m[2]) / 72) * 25.4).toBeCloseTo(54, 1);
  });

  it('has a cross-reference table whose every offset points at its object', () => {
    const pdf = makePdf([page(64, 64, [0, 0, 0.5, 0.5]), page(64, 90, [0.5, 0.5, 1, 1])]);
    const text = new TextDecoder('latin1').decode(pdf);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!.map(Number) as [number, number, number];
    expect(first).toBe(0);
    const rows = text.slice(startxref).split('\n').slice(2, 2 + count);
    expect(rows[0]).toBe('0000000000 65535 f ');
    for (let id = 1; id < count; id++) {
      const offset = Number(rows[id]!.slice(0, 10));
      expect(rows[id]!.length).toBe(19); // 20 bytes with the newline
      expect(text.slice(offset, offset + `${id} 0 obj`.length)).toBe(`${id} 0 obj`);
    }
    expect(text).toMatch(new RegExp(`trailer\\n<< /Size ${count} /Root 1 0 R`));
  });

  it('refuses no pages, bytes that are not a JPEG, and a size that disagrees with the JPEG', () => {
    expect(() => makePdf([])).toThrow();
    expect(() => makePdf([{ jpeg: new Uint8Array([1, 2, 3, 4]), width: 1, height: 1 }])).toThrow(/JPEG/);
    const p = page(40, 30, [0, 0, 1, 1]);
    expect(() => makePdf([{ ...p, width: 41 }])).toThrow(/40x30/);
  });

  it("reads the JPEG's frame header (size and components) from a camera-style file", () => {
    const bytes = readFileSync(fixturePath('page-photo.jpg'));
    expect(jpegInfo(bytes)).toMatchObject({ width: 3264, height: 2448, components: 3 });
  });
});
