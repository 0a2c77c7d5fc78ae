/**
 * What a service guide says about where to go, from one source of truth (issue 17: the 户籍
 * guide listed windows 1 and 6 while the windows serving it were 1, 3 and 6). The windows are
 * the configured windows that serve the service; the guide's own `place` only says where in
 * the hall (floor, area). Pure: no DOM, no Node.
 */
import type { Bilingual } from './text';
import type { Service, Window } from './schemas';

/** The labels of the windows that serve `serviceId`, in window-number order ("1", "3", "6"). */
export function windowsServing(windows: Iterable<Window>, serviceId: string): string[] {
  const labels: string[] = [];
  for (const w of windows) if (w.services.some((s) => s.serviceId === serviceId)) labels.push(w.label);
  return labels.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** "1、3、6号窗口" / "Windows 1, 3, 6", as the kiosk's confirm screen words it; undefined when no window serves it. */
export function windowsText(labels: readonly string[]): Bilingual | undefined {
  if (labels.length === 0) return undefined;
  return { zh: `${labels.join('、')}号窗口`, en: `${labels.length === 1 ? 'Window' : 'Windows'} ${labels.join(', ')}` };
}

/** The guide's "where": the place it names (floor, area) and the windows that serve the service. */
export function guidePlace(service: Pick<Service, 'id' | 'guide'>, windows: Iterable<Window>): Bilingual | undefined {
  const win = windowsText(windowsServing(windows, service.id));
  const place = service.guide?.place;
  if (!win) return place;
  if (!place) return win;
  return { zh: `${place.zh} ${win.zh}`, en: `${place.en}, ${win.en}` };
}

/**
 * Window numbers a guide's place text names by itself ("一楼 1、6 号窗口", "windows 1 and 6"):
 * typed window numbers go stale when the windows change, so the editor asks to take them out.
 */
export function placeNamesWindows(place: Bilingual | undefined): boolean {
  if (!place) return false;
  return /\d\s*号?\s*窗口|窗口\s*\d|windows?\s*\d/i.test(`${place.zh} ${place.en}`);
}
