/**
 * Page processing off the main thread: the counter's screen stays responsive while a 8 MP
 * frame is searched for its page, flattened and encoded (hundreds of milliseconds). One worker
 * per screen; requests are answered in order by id. Frames travel as transferred buffers.
 */
import type { Quad } from './captureModel';
import type { ProcessCall, ProcessRequest, ProcessResponse, Rgba } from './processingProtocol';

export interface ProcessedPage {
  corners: Quad;
  /** A fresh capture's frame (for hand adjustment later). */
  frameJpeg?: Blob;
  cornersBy: 'auto' | 'hand' | 'whole-frame';
  confidence: number | null;
  width: number;
  height: number;
  jpeg: Blob;
}

type Pending = { resolve: (r: ProcessResponse) => void; reject: (e: Error) => void };

export class PageProcessor {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./capture.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<ProcessResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data);
      else p.reject(new Error(e.data.error));
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'the page worker failed'));
      this.pending.clear();
    };
  }

  private call(req: ProcessCall, transfer: Transferable[]): Promise<ProcessResponse & { ok: true }> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: ProcessResponse) => void, reject });
      this.worker.postMessage({ ...req, id } as ProcessRequest, transfer);
    });
  }

  /** Finds the page in the frame (or uses the corners given), flattens, turns and encodes it. */
  async page(frame: Rgba, o: { corners?: Quad; turns?: number } = {}): Promise<ProcessedPage> {
    const r = await this.call({ op: 'page', frame, ...(o.corners ? { corners: o.corners } : {}), turns: o.turns ?? 0 }, [frame.data.buffer]);
    return { corners: r.corners!, cornersBy: r.cornersBy!, confidence: r.confidence ?? null, width: r.width, height: r.height, jpeg: r.jpeg, ...(r.frameJpeg ? { frameJpeg: r.frameJpeg } : {}) };
  }

  /** An ID card's front and back, each found in its frame, on one A4 sheet at true size. */
  async idSheet(front: Rgba, back: Rgba): Promise<ProcessedPage & { backCorners: Quad }> {
    const r = await this.call({ op: 'id-sheet', frame: front, back }, [front.data.buffer, back.data.buffer]);
    return { corners: r.corners!, backCorners: r.backCorners!, cornersBy: r.cornersBy!, confidence: r.confidence ?? null, width: r.width, height: r.height, jpeg: r.jpeg };
  }

  /** A quarter-turned copy of an encoded page. */
  async turn(jpeg: Blob, turns: number): Promise<{ jpeg: Blob; width: number; height: number }> {
    const r = await this.call({ op: 'turn', jpeg, turns }, []);
    return { jpeg: r.jpeg, width: r.width, height: r.height };
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('closed'));
    this.pending.clear();
  }
}

export function toRgba(img: ImageData): Rgba {
  return { width: img.width, height: img.height, data: img.data };
}
