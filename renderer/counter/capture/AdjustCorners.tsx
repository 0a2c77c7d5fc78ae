/**
 * Setting a page's four corners by hand when the automatic crop is wrong: the whole frame with
 * the page outline; drag a corner (mouse, touch or pen) and apply. Corners are kept in the
 * frame's pixels; the picture is scaled to fit the screen.
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { checkQuad, wholeFrame, type CapturedPage, type Quad } from './captureModel';

const NAMES: Bilingual[] = [
  { zh: '左上', en: 'top left' },
  { zh: '右上', en: 'top right' },
  { zh: '右下', en: 'bottom right' },
  { zh: '左下', en: 'bottom left' },
];

export function AdjustCorners(p: { page: CapturedPage; frameJpeg: Blob; busy: boolean; onApply: (q: Quad) => void; onCancel: () => void }) {
  const { width, height } = p.page.frame;
  const [quad, setQuad] = useState<Quad>(() => p.page.corners.map((c) => ({ ...c })) as Quad);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const dragging = useRef<number | null>(null);

  useEffect(() => {
    const u = URL.createObjectURL(p.frameJpeg);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [p.frameJpeg]);

  const toFrame = (e: ReactPointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    // The viewBox starts at -0.5: SVG units are the frame's pixel coordinates (centres at integers).
    const at = (client: number, start: number, extent: number, size: number) => Math.min(size - 0.5, Math.max(-0.5, ((client - start) / extent) * size - 0.5));
    return { x: at(e.clientX, box.left, box.width, width), y: at(e.clientY, box.top, box.height, height) };
  };
  const move = (e: ReactPointerEvent) => {
    if (dragging.current === null) return;
    const at = toFrame(e);
    setQuad((q) => q.map((c, i) => (i === dragging.current ? at : c)) as Quad);
  };
  const apply = () => {
    const bad = checkQuad(quad, p.page.frame);
    if (bad) return setError(bad);
    p.onApply(quad);
  };
  // Handles stay the same size on screen whatever the frame's resolution.
  const r = Math.max(width, height) / 90;

  return (
    <div className="adjust" role="dialog" aria-modal="true" data-testid="adjust">
      <div className="adjust-head">
        <h3>
          <Bi t={{ zh: '调整四角：拖动圆点到纸张的四个角', en: 'Adjust: drag the dots onto the corners of the page' }} />
        </h3>
        <div className="adjust-buttons">
          <button type="button" className="btn" data-action="adjust-whole" onClick={() => setQuad(wholeFrame(p.page.frame))}>
            <Bi t={{ zh: '整幅画面', en: 'Whole picture' }} />
          </button>
          <button type="button" className="btn" data-action="adjust-cancel" onClick={p.onCancel}>
            <Bi t={{ zh: '取消', en: 'Cancel' }} />
          </button>
          <button type="button" className="btn btn-primary" data-action="adjust-apply" disabled={p.busy} onClick={apply}>
            <Bi t={{ zh: '按此裁切', en: 'Crop like this' }} />
          </button>
        </div>
      </div>
      {error ? (
        <div className="capture-note capture-note-error" role="alert" data-testid="adjust-error">
          <Bi t={error} />
        </div>
      ) : null}
      <div className="adjust-stage">
        <svg
          ref={svg}
          viewBox={`-0.5 -0.5 ${width} ${height}`}
          preserveAspectRatio="xMidYMid meet"
          data-testid="adjust-stage"
          onPointerMove={move}
          onPointerUp={() => (dragging.current = null)}
          onPointerLeave={() => (dragging.current = null)}
        >
          {url ? <image href={url} x={-0.5} y={-0.5} width={width} height={height} /> : null}
          <polygon points={quad.map((c) => `${c.x},${c.y}`).join(' ')} className="adjust-outline" strokeWidth={r / 3} />
          {quad.map((c, i) => (
            <circle
              key={i}
              cx={c.x}
              cy={c.y}
              r={r}
              className="adjust-handle"
              strokeWidth={r / 4}
              data-corner={i}
              aria-label={`${NAMES[i]!.zh} ${NAMES[i]!.en}`}
              onPointerDown={(e) => {
                (e.target as Element).setPointerCapture?.(e.pointerId);
                dragging.current = i;
                setError(null);
              }}
            />
          ))}
        </svg>
      </div>
    </div>
  );
}
