/**
 * `npm run bench -- capture`: document capture on the 3264 x 2448 fixture photograph
 * (tests/fixtures/capture/page-photo.jpg), medians of several runs after a warm-up.
 * - detect: detectPage (coarse search + full-resolution edge fit); warp: perspectiveWarp to the
 *   size outputSize picks (the photo's own resolution, A4 proportions); crop: both together,
 *   as the counter does on each capture. Raw: one plain pass copying the frame's RGBA pixels.
 * - crop_200dpi: the counter's own path, the page flattened to A4 at 200 dpi (1654 x 2339).
 * - warp_300dpi: the same page flattened to A4 at 300 dpi (2480 x 3508), as for archiving.
 * - pdf_10_pages: ten A4 pages, already JPEG (300 dpi, q85), into one PDF. Raw: concatenating
 *   the same JPEG bytes into one buffer.
 * Also the corner error on the fixture, in pixels (the largest of the four).
 */
import { detectPage } from '../../shared/capture/detectPage';
import type { RgbaImage } from '../../shared/capture/image';
import { makePdf } from '../../shared/capture/pdf';
import { enhance, outputSize, perspectiveWarp } from '../../shared/capture/warp';
import { encodeJpeg, loadJpeg, pagePhotoMeta } from '../fixtures/capture/load';

const RUNS = Number(process.env.CAPTURE_RUNS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function timeRuns(runs: number, fn: () => unknown): number {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  fn(); // warm-up (JIT)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** The raw operation under the crop: one pass over the frame, copying each RGBA pixel. */
function copyPixels(img: RgbaImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.data.length);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const dst = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) dst[i] = src[i]!;
  return out;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function benchCapture(): Record<string, number | string> {
  const meta = pagePhotoMeta();
  let t = performance.now();
  const photo = loadJpeg(meta.photo.file);
  const decodeMs = performance.now() - t;

  const found = detectPage(photo);
  if (!found) throw new Error('capture bench: no page found in the fixture');
  const err = Math.max(...found.corners.map((p, i) => Math.hypot(p.x - meta.photo.corners[i]!.x, p.y - meta.photo.corners[i]!.y)));
  const size = outputSize(found.corners);
  const a4 = outputSize(found.corners, 300);

  const detectMs = timeRuns(RUNS, () => detectPage(photo));
  const warpMs = timeRuns(RUNS, () => perspectiveWarp(photo, found.corners, size.width, size.height));
  const cropMs = timeRuns(RUNS, () => {
    const d = detectPage(photo)!;
    const s = outputSize(d.corners);
    return perspectiveWarp(photo, d.corners, s.width, s.height);
  });
  const crop200Ms = timeRuns(RUNS, () => {
    const d = detectPage(photo)!;
    const s = outputSize(d.corners, 200);
    return perspectiveWarp(photo, d.corners, s.width, s.height);
  });
  const copyMs = timeRuns(RUNS, () => copyPixels(photo));
  const warp300Ms = timeRuns(3, () => perspectiveWarp(photo, found.corners, a4.width, a4.height));
  const flat = perspectiveWarp(photo, found.corners, size.width, size.height);
  const enhanceMs = timeRuns(3, () => enhance(flat));

  t = performance.now();
  const archive = perspectiveWarp(photo, found.corners, a4.width, a4.height);
  const jpeg = encodeJpeg(archive, 85);
  const encodeMs = performance.now() - t;
  const pages = Array.from({ length: 10 }, () => ({ jpeg, width: a4.width, height: a4.height }));
  let pdfBytes = 0;
  const pdfMs = timeRuns(RUNS, () => {
    pdfBytes = makePdf(pages).length;
  });
  const concatMs = timeRuns(RUNS, () => {
    const out = new Uint8Array(jpeg.length * 10);
    for (let i = 0; i < 10; i++) out.set(pages[i]!.jpeg, i * jpeg.length);
    return out;
  });

  return {
    frame: `${photo.width}x${photo.height}`,
    out: `${size.width}x${size.height}`,
    corner_err_px: r2(err),
    confidence: found.confidence,
    decode_jpeg_js_ms: Math.round(decodeMs),
    detect_ms: r2(detectMs),
    warp_ms: r2(warpMs),
    crop_ms: r2(cropMs),
    crop_200dpi_ms: r2(crop200Ms),
    copy_frame_ms: r2(copyMs),
    crop_vs_copy_ratio: r2(cropMs / copyMs),
    warp_300dpi_ms: r2(warp300Ms),
    enhance_ms: r2(enhanceMs),
    jpeg_encode_a4_ms: Math.round(encodeMs),
    pdf_10_pages_ms: r2(pdfMs),
    concat_10_jpegs_ms: r2(concatMs),
    pdf_vs_concat_ratio: r2(pdfMs / concatMs),
    pdf_bytes: pdfBytes,
  };
}
