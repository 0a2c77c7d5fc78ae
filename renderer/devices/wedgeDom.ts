/**
 * A keyboard-wedge scanner on a page: WedgeDetector (wedge.ts) fed from the window's keydowns.
 * Keys of a scan are kept out of whatever field has focus (the first few, typed before the burst
 * was recognised, are taken back out); a burst that was not a scan is given back to the field.
 */
import type { Scan } from '../../shared/devices/contract';
import { WedgeDetector, type WedgeOptions, type WedgeStep } from './wedge';

export interface WedgeBinding {
  onScan(scan: Scan): void;
  options?: WedgeOptions;
  /** Default: the page's window. */
  target?: Window;
}

/** Listen for scans; returns the function that stops listening. */
export function bindWedge(b: WedgeBinding): () => void {
  const target = b.target ?? window;
  const detector = new WedgeDetector(b.options);
  const tickMs = Math.max(20, Math.min(100, b.options?.timeoutMs ?? 100));
  let timer: ReturnType<typeof setInterval> | undefined;

  const apply = (step: WedgeStep) => {
    const field = editable(target.document.activeElement);
    if (step.retract && field) takeBack(field, step.retract);
    if (step.release && field) putBack(field, step.release);
    if (step.scan) b.onScan(step.scan);
    if (detector.collecting && timer === undefined) {
      timer = setInterval(() => {
        const s = detector.tick(target.performance.now());
        if (s) apply(s);
        if (!detector.collecting) stopTimer();
      }, tickMs);
    }
  };
  const stopTimer = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const step = detector.feed({ key: e.key, time: e.timeStamp, isComposing: e.isComposing });
    if (step.swallow) {
      e.preventDefault();
      e.stopPropagation();
    }
    apply(step);
  };
  target.addEventListener('keydown', onKey, true);
  return () => {
    target.removeEventListener('keydown', onKey, true);
    stopTimer();
    detector.reset();
  };
}

type Field = HTMLInputElement | HTMLTextAreaElement;

function editable(el: Element | null): Field | undefined {
  if (!el) return undefined;
  if (el.tagName === 'TEXTAREA') return el as HTMLTextAreaElement;
  if (el.tagName === 'INPUT') {
    const input = el as HTMLInputElement;
    // setRangeText works on text-like inputs only.
    if (['text', 'search', 'url', 'tel', 'password', ''].includes(input.type)) return input;
  }
  return undefined;
}

/** Remove `text` just before the caret, where the scanner typed it. */
function takeBack(f: Field, text: string): void {
  const end = f.selectionStart ?? f.value.length;
  const start = end - text.length;
  if (start < 0 || f.value.slice(start, end) !== text) return;
  f.setRangeText('', start, end, 'end');
  changed(f);
}

function putBack(f: Field, text: string): void {
  const start = f.selectionStart ?? f.value.length;
  const end = f.selectionEnd ?? start;
  f.setRangeText(text, start, end, 'end');
  changed(f);
}

/** Frameworks (React) learn of a value change from an input event. */
function changed(f: Field): void {
  f.dispatchEvent(new Event('input', { bubbles: true }));
}
