/** A QR code drawn as inline SVG (no network, no package): e-tickets, progress and guide links. */
import { useMemo } from 'react';
import { encodeQr, qrToSvg } from '../../shared/qr/qr';

export function Qr({ text, size = 200, title }: { text: string; size?: number; title?: string }) {
  const svg = useMemo(() => qrToSvg(encodeQr(text, 'M'), { sizeCss: `${size}px`, quiet: 2, ...(title ? { title } : {}) }), [text, size, title]);
  // The SVG is generated from our own encoder's matrix, never from user markup.
  return <span className="qr" data-qr={text} dangerouslySetInnerHTML={{ __html: svg }} />;
}
