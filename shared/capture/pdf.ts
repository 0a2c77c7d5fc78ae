/**
 * A minimal PDF writer for captured pages: one page per JPEG, embedded as is (DCTDecode, no
 * re-encoding), A4 by default with the image fitted keeping its proportions, or the page size
 * given in millimetres. Classic cross-reference table, PDF 1.4, no dependencies, no compression
 * of its own (the images are already compressed).
 */

export interface PdfPage {
  /** A baseline or progressive JPEG (JFIF/Exif), greyscale, RGB or CMYK. */
  jpeg: Uint8Array;
  /** Pixel size of the JPEG (checked against its frame header). */
  width: number;
  height: number;
  /** The page's true size; when both are given the page is that size and the image fills it. */
  widthMm?: number;
  heightMm?: number;
}

export interface PdfOptions {
  /** Document title (any Unicode, e.g. 材料名称). */
  title?: string;
  /** Written as the Producer (default "hallq"). */
  producer?: string;
}

export interface JpegInfo {
  width: number;
  height: number;
  components: number;
  /** An Adobe APP14 marker is present (CMYK from Adobe is stored inverted). */
  adobe: boolean;
}

const PT_PER_MM = 72 / 25.4;
export const A4_PT = { width: 210 * PT_PER_MM, height: 297 * PT_PER_MM } as const;

/** Reads a JPEG's frame header. Throws when the bytes are not a JPEG. */
export function jpegInfo(bytes: Uint8Array): JpegInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  let i = 2;
  let adobe = false;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker === 0xee && len >= 7 && String.fromCharCode(...bytes.subarray(i + 4, i + 9)) === 'Adobe') adobe = true;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 10 > bytes.length) break;
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      const components = bytes[i + 9]!;
      return { width, height, components, adobe };
    }
    if (marker === 0xda || marker === 0xd9) break;
    i += 2 + len;
  }
  throw new Error('JPEG has no frame header');
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new Error('non-ASCII in PDF structure');
    out[i] = c;
  }
  return out;
}

/** A number as PDF writes it: no exponent, at most 3 decimals. */
function num(v: number): string {
  const r = Math.round(v * 1000) / 1000;
  return Number.isInteger(r) ? String(r) : r.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** A text string in UTF-16BE with a byte order mark, as a hex string (safe for any text). */
function textString(s: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

function pageGeometry(p: PdfPage, info: JpegInfo): { pageW: number; pageH: number; drawW: number; drawH: number; x: number; y: number } {
  if (p.widthMm && p.heightMm && p.widthMm > 0 && p.heightMm > 0) {
    const pageW = p.widthMm * PT_PER_MM, pageH = p.heightMm * PT_PER_MM;
    return { pageW, pageH, drawW: pageW, drawH: pageH, x: 0, y: 0 };
  }
  const landscape = info.width > info.height;
  const pageW = landscape ? A4_PT.height : A4_PT.width;
  const pageH = landscape ? A4_PT.width : A4_PT.height;
  const scale = Math.min(pageW / info.width, pageH / info.height);
  const drawW = info.width * scale, drawH = info.height * scale;
  return { pageW, pageH, drawW, drawH, x: (pageW - drawW) / 2, y: (pageH - drawH) / 2 };
}

/** Builds the PDF: one page per image, in order. */
export function makePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  if (!pages.length) throw new RangeError('a PDF needs at least one page');
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    size += b.length;
  };
  const text = (s: string) => push(ascii(s));
  const startObject = (id: number) => {
    offsets[id] = size;
    text(`${id} 0 obj\n`);
  };

  // Header; the second line's high bytes mark the file as binary for transfer tools.
  text('%PDF-1.4\n');
  push(new Uint8Array([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));

  const pageId = (i: number) => 3 + 3 * i;
  const infoId = 3 + 3 * pages.length;
  startObject(1);
  text('<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
  startObject(2);
  text(`<< /Type /Pages /Kids [${pages.map((_, i) => `${pageId(i)} 0 R`).join(' ')}] /Count ${pages.length} >>\nendobj\n`);

  pages.forEach((p, i) => {
    const info = jpegInfo(p.jpeg);
    if (info.width !== p.width || info.height !== p.height) {
      throw new RangeError(`page ${i + 1}: JPEG is ${info.width}x${info.height}, not ${p.width}x${p.height}`);
    }
    const colour = info.components === 1 ? '/DeviceGray' : info.components === 4 ? '/DeviceCMYK' : '/DeviceRGB';
    const decode = info.components === 4 && info.adobe ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
    const g = pageGeometry(p, info);
    const id = pageId(i);
    startObject(id);
    text(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(g.pageW)} ${num(g.pageH)}] ` +
        `/Resources << /XObject << /Im0 ${id + 2} 0 R >> /ProcSet [/PDF /ImageC /ImageB] >> /Contents ${id + 1} 0 R >>\nendobj\n`,
    );
    const content = `q ${num(g.drawW)} 0 0 ${num(g.drawH)} ${num(g.x)} ${num(g.y)} cm /Im0 Do Q\n`;
    startObject(id + 1);
    text(`<< /Length ${content.length} >>\nstream\n${content}endstream\nendobj\n`);
    startObject(id + 2);
    text(
      `<< /Type /XObject /Subtype /Image /Width ${info.width} /Height ${info.height} /ColorSpace ${colour} ` +
        `/BitsPerComponent 8${decode} /Filter /DCTDecode /Length ${p.jpeg.length} >>\nstream\n`,
    );
    push(p.jpeg);
    text('\nendstream\nendobj\n');
  });

  startObject(infoId);
  const title = options.title ? ` /Title ${textString(options.title)}` : '';
  text(`<< /Producer ${textString(options.producer ?? 'hallq')}${title} >>\nendobj\n`);

  const xref = size;
  const count = infoId + 1;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let id = 1; id < count; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  text(table);
  text(`trailer\n<< /Size ${count} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xref}\n%%EOF\n`);

  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
