/**
 * The counter's page worker: finds the page in a document camera frame, flattens it, turns it,
 * lays ID card sides on an A4 sheet, and encodes JPEGs (OffscreenCanvas), away from the screen.
 */
import { detectPage } from '../../../shared/capture/detectPage';
import { composeIdSheet } from '../../../shared/capture/idCardSheet';
import type { Quad, RgbaImage } from '../../../shared/capture/image';
import { outputSize, perspectiveWarp, rotate90 } from '../../../shared/capture/warp';
import { wholeFrame } from './captureModel';
import type { ProcessRequest, ProcessResponse } from './processingProtocol';

/** Documents at 200 dpi (what back offices scan at); ID card copies at 300 dpi. */
const PAGE_DPI = 200;
const PAGE_QUALITY = 0.85;
const FRAME_QUALITY = 0.9;

async function encode(img: RgbaImage, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context in the worker');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data.buffer as ArrayBuffer, img.data.byteOffset, img.data.byteLength), img.width, img.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

async function decode(jpeg: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(jpeg);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context in the worker');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** The page in `frame`: the corners given, else found, else the whole frame. */
function cut(frame: RgbaImage, given: Quad | undefined, dpi: number) {
  const found = given ? null : detectPage(frame);
  const corners = given ?? found?.corners ?? wholeFrame(frame);
  const cornersBy = given ? ('hand' as const) : found ? ('auto' as const) : ('whole-frame' as const);
  const size = outputSize(corners, dpi);
  return { image: perspectiveWarp(frame, corners, size.width, size.height), corners, cornersBy, confidence: found?.confidence ?? null };
}

async function handle(req: ProcessRequest): Promise<ProcessResponse> {
  switch (req.op) {
    case 'page': {
      const page = cut(req.frame, req.corners, PAGE_DPI);
      const out = rotate90(page.image, req.turns);
      // A fresh capture keeps its frame for a later hand adjustment; an adjustment has it already.
      const [jpeg, frameJpeg] = await Promise.all([encode(out, PAGE_QUALITY), req.corners ? undefined : encode(req.frame, FRAME_QUALITY)]);
      return { id: req.id, ok: true, jpeg, width: out.width, height: out.height, corners: page.corners, cornersBy: page.cornersBy, confidence: page.confidence, ...(frameJpeg ? { frameJpeg } : {}) };
    }
    case 'id-sheet': {
      const front = cut(req.frame, undefined, 300);
      const back = cut(req.back, undefined, 300);
      const sheet = composeIdSheet(front.image, back.image, { dpi: 300 });
      const cornersBy = front.cornersBy === 'auto' && back.cornersBy === 'auto' ? 'auto' : 'whole-frame';
      const confidence = front.confidence !== null && back.confidence !== null ? Math.min(front.confidence, back.confidence) : null;
      return { id: req.id, ok: true, jpeg: await encode(sheet, PAGE_QUALITY), width: sheet.width, height: sheet.height, corners: front.corners, backCorners: back.corners, cornersBy, confidence };
    }
    case 'turn': {
      const out = rotate90(await decode(req.jpeg), req.turns);
      return { id: req.id, ok: true, jpeg: await encode(out, PAGE_QUALITY), width: out.width, height: out.height };
    }
  }
}

self.onmessage = (e: MessageEvent<ProcessRequest>) => {
  handle(e.data).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ id: e.data.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies ProcessResponse),
  );
};
