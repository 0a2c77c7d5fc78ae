/**
 * The document camera (高拍仪): a UVC camera reached through getUserMedia. The clerk's choice of
 * camera and resolution is remembered per terminal (several cameras may be plugged in: a
 * webcam for the clerk, the document camera over the desk).
 */
import { z } from 'zod';

export interface Resolution {
  width: number;
  height: number;
}

/** What document cameras commonly offer, largest first (5 MP and 8 MP sensors, then HD). */
export const RESOLUTIONS: readonly Resolution[] = [
  { width: 3264, height: 2448 },
  { width: 2592, height: 1944 },
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
];

const ChoiceSchema = z.object({ deviceId: z.string().max(300).optional(), width: z.number().int().positive().max(10_000), height: z.number().int().positive().max(10_000) });
export type CameraChoice = z.infer<typeof ChoiceSchema>;

const key = (terminalId: string) => `hallq.camera.${terminalId}`;

export function loadChoice(terminalId: string, storage: Pick<Storage, 'getItem'> = localStorage): CameraChoice | undefined {
  try {
    const parsed = ChoiceSchema.safeParse(JSON.parse(storage.getItem(key(terminalId)) ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveChoice(terminalId: string, choice: CameraChoice, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(key(terminalId), JSON.stringify(choice));
}

export async function listCameras(media: MediaDevices = navigator.mediaDevices): Promise<MediaDeviceInfo[]> {
  const all = await media.enumerateDevices();
  return all.filter((d) => d.kind === 'videoinput');
}

/**
 * Opens the camera at (close to) the chosen resolution. `ideal` lets the camera pick its
 * nearest mode rather than fail; the stream's settings say what it gave.
 */
export async function openCamera(choice: CameraChoice, media: MediaDevices = navigator.mediaDevices): Promise<MediaStream> {
  return media.getUserMedia({
    audio: false,
    video: {
      ...(choice.deviceId ? { deviceId: { exact: choice.deviceId } } : {}),
      width: { ideal: choice.width },
      height: { ideal: choice.height },
    },
  });
}

export function stopCamera(stream: MediaStream | null | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** Why the camera could not open, for the clerk. */
export function cameraError(e: unknown): { zh: string; en: string } {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return { zh: '没有使用摄像头的权限。', en: 'Not allowed to use the camera.' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return { zh: '找不到高拍仪，请检查连接线后重试。', en: 'No document camera found; check its cable and try again.' };
  if (name === 'NotReadableError' || name === 'AbortError') return { zh: '高拍仪被其他程序占用或无响应，请重新插拔后重试。', en: 'The document camera is busy or not responding; replug it and try again.' };
  return { zh: `高拍仪打不开（${name || String(e)}）。`, en: `The document camera did not open (${name || String(e)}).` };
}

/** The current video frame at its full resolution, as RGBA. */
export function grabFrame(video: HTMLVideoElement): ImageData {
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (!w || !h) throw new Error('the camera has not delivered a frame yet');
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(video, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}
