/**
 * Auto-crop in one call: find the page, pick its output size, flatten it. The counter screen
 * shows `corners` for manual adjustment and calls perspectiveWarp again with the adjusted ones.
 */
import { detectPage, type DetectPageOptions } from './detectPage';
import type { Quad, RgbaImage } from './image';
import { outputSize, perspectiveWarp, type OutputSize } from './warp';

export interface CropResult {
  image: RgbaImage;
  corners: Quad;
  confidence: number;
  size: OutputSize;
}

export function autoCrop(img: RgbaImage, options: DetectPageOptions & { dpi?: number } = {}): CropResult | null {
  const found = detectPage(img, options);
  if (!found) return null;
  const size = outputSize(found.corners, options.dpi);
  return { image: perspectiveWarp(img, found.corners, size.width, size.height), corners: found.corners, confidence: found.confidence, size };
}
