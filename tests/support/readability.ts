/**
 * Readable for everyone, measured (issue 17): what a citizen screen shows, checked on the rendered
 * page rather than by eye.
 *
 * - contrast: axe-core's `color-contrast` rule (WCAG AA: 4.5:1, 3:1 for large text) on the page as
 *   it stands, overlays and dialogs included; axe exempts disabled controls, but a citizen still
 *   reads the label of a disabled button ("请至少选择一项原因"), so those are measured too, with
 *   axe's own colour routines (foreground and the background behind it, opacity included), against
 *   4.5:1;
 * - text size: the computed font-size of every visible text node, against `minPx` (18 px), Chinese
 *   and English alike;
 * - targets: the box of every visible button, link, [role=button] and form control a citizen
 *   touches, against `minTarget` (60 px) in both directions.
 *
 * `measureReadability(page)` returns every finding; `describeFindings` turns them into lines a
 * failing test prints. Elements marked `data-readability="staff"` (a service technician's
 * corner, e.g. the terminal id) are left out; nothing a citizen needs may carry it.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;
function axeScript(): string {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface ReadabilityOptions {
  /** Smallest font-size for any visible text, px. */
  minPx?: number;
  /** Smallest width and height of anything touched, px. */
  minTarget?: number;
  /** Smallest contrast for disabled controls' labels (axe covers the rest). */
  minContrast?: number;
  /** Only measure inside this selector (default: the whole page). */
  scope?: string;
}

export interface TextFinding {
  kind: 'size';
  text: string;
  px: number;
  where: string;
}
export interface TargetFinding {
  kind: 'target';
  text: string;
  width: number;
  height: number;
  where: string;
}
export interface ContrastFinding {
  kind: 'contrast';
  text: string;
  ratio: number;
  fg: string;
  bg: string;
  px: number;
  where: string;
}
export type Finding = TextFinding | TargetFinding | ContrastFinding;

export interface ReadabilityReport {
  findings: Finding[];
  /** How much was looked at (a test can assert the page was not empty). */
  texts: number;
  targets: number;
  /** Smallest font-size seen, px. */
  smallestPx: number;
}

async function ensureAxe(page: Page): Promise<void> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  // Evaluated rather than added as a <script>: the screens' Content-Security-Policy (script-src
  // 'self') rightly refuses inline scripts, and the test must not loosen what it measures.
  if (!has) await page.evaluate(`${axeScript()};\nwindow.axe = axe;`);
}

/** Measure the page as it stands now. Animations are let settle for a frame first. */
export async function measureReadability(page: Page, options: ReadabilityOptions = {}): Promise<ReadabilityReport> {
  const opts = { minPx: 18, minTarget: 60, minContrast: 4.5, scope: 'body', ...options };
  await ensureAxe(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(async (o) => {
    interface AxeColor {
      red: number;
      green: number;
      blue: number;
      alpha: number;
      toHexString(): string;
    }
    interface AxeRule {
      id: string;
      nodes: { target: string[]; html: string; any: { data?: { contrastRatio?: number; fgColor?: string; bgColor?: string; fontSize?: string } }[] }[];
    }
    interface AxeResult {
      violations: AxeRule[];
      incomplete: AxeRule[];
    }
    interface Axe {
      run(context: unknown, options: unknown): Promise<AxeResult>;
      setup(node: Element): void;
      teardown(): void;
      commons: {
        color: {
          getForegroundColor(el: Element, noScroll?: boolean, bg?: AxeColor): AxeColor | null;
          getBackgroundColor(el: Element, bgNodes?: Element[], shadowOutlineEmMax?: number): AxeColor | null;
          getContrast(bg: AxeColor, fg: AxeColor): number;
        };
      };
    }
    const axe = (window as unknown as { axe: Axe }).axe;
    const root = document.querySelector(o.scope) ?? document.body;
    const findings: Finding[] = [];
    const where = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const id = e.getAttribute('data-testid');
        const cls = typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
        parts.unshift(`${e.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${cls}`);
        if (id) break;
      }
      return parts.join(' > ');
    };
    const staff = (el: Element) => el.closest('[data-readability="staff"]') !== null;
    const visible = (el: Element): boolean => {
      if (!(el instanceof HTMLElement || el instanceof SVGElement)) return false;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) return false;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return false;
      // Clipped away entirely (screen-reader-only text, a scrolled-out ticker) is not read.
      const clip = getComputedStyle(el).clipPath;
      return clip === 'none' || clip === '';
    };
    const label = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 60);

    // Text sizes: every visible text node.
    let texts = 0;
    let smallestPx = Infinity;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      if (!text.trim()) continue;
      const el = n.parentElement;
      if (!el || seen.has(el) || staff(el) || el.closest('script,style,noscript,title')) continue;
      seen.add(el);
      if (!visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rect = range.getBoundingClientRect();
      if (rect.width < 1 || rect.height < 1) continue;
      texts++;
      const px = parseFloat(getComputedStyle(el).fontSize);
      smallestPx = Math.min(smallestPx, px);
      if (px + 0.01 < o.minPx) findings.push({ kind: 'size', text: label(text), px: Math.round(px * 10) / 10, where: where(el) });
    }

    // Targets: what a citizen touches.
    let targets = 0;
    for (const el of root.querySelectorAll('button, a[href], [role="button"], input:not([type="hidden"]), select, textarea, [role="tab"], [role="option"]')) {
      if (staff(el) || !visible(el)) continue;
      targets++;
      const r = el.getBoundingClientRect();
      if (r.width + 0.5 < o.minTarget || r.height + 0.5 < o.minTarget) {
        findings.push({ kind: 'target', text: label((el as HTMLElement).innerText || el.getAttribute('aria-label') || ''), width: Math.round(r.width), height: Math.round(r.height), where: where(el) });
      }
    }

    // Contrast: axe on everything it judges ...
    const result = await axe.run(root, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations', 'incomplete'] });
    for (const v of result.violations) {
      for (const node of v.nodes) {
        const el = document.querySelector(node.target[0] ?? '');
        if (el && staff(el)) continue;
        const d = node.any[0]?.data ?? {};
        findings.push({ kind: 'contrast', text: label(el ? (el as HTMLElement).innerText : node.html), ratio: d.contrastRatio ?? 0, fg: d.fgColor ?? '?', bg: d.bgColor ?? '?', px: parseFloat(d.fontSize ?? '0'), where: el ? where(el) : node.target.join(' ') });
      }
    }
    // ... what axe could not decide (a background on <html>, a gradient): the text's colour on
    // the nearest plain background colour behind it, opacity included ...
    const parse = (c: string): [number, number, number, number] | null => {
      const m = /rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[, /]+([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const hex = (c: number[]) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
    const plainContrast = (el: Element): { ratio: number; fg: string; bg: string } | null => {
      let bg: number[] | null = null;
      let opacity = 1;
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        opacity *= Number(cs.opacity);
        if (cs.backgroundImage !== 'none') return null;
        const c = parse(cs.backgroundColor);
        if (c && c[3] > 0) {
          if (c[3] < 1) return null;
          bg = c;
          break;
        }
      }
      bg ??= [255, 255, 255, 1];
      const fg = parse(getComputedStyle(el).color);
      if (!fg) return null;
      const a = fg[3] * opacity;
      const mixed = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
      const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x) as [number, number];
      return { ratio: (l1 + 0.05) / (l2 + 0.05), fg: hex(mixed), bg: hex(bg) };
    };
    for (const v of result.incomplete) {
      for (const node of v.nodes) {
        const el = document.querySelector(node.target[0] ?? '');
        if (!el || staff(el) || !visible(el) || el.closest('button:disabled')) continue;
        const c = plainContrast(el);
        if (!c) continue;
        const cs = getComputedStyle(el);
        const px = parseFloat(cs.fontSize);
        const large = px >= 24 || (px >= 18.66 && Number(cs.fontWeight) >= 700);
        if (c.ratio + 0.005 < (large ? 3 : o.minContrast)) findings.push({ kind: 'contrast', text: label((el as HTMLElement).innerText), ratio: Math.round(c.ratio * 100) / 100, fg: c.fg, bg: c.bg, px, where: `${where(el)} (axe: incomplete)` });
      }
    }
    // ... and the labels of disabled controls, which axe exempts but a citizen still reads.
    axe.setup(document.documentElement);
    try {
      for (const el of root.querySelectorAll('button:disabled, [aria-disabled="true"], input:disabled')) {
        if (staff(el) || !visible(el)) continue;
        const holders = [el, ...el.querySelectorAll('*')].filter((e) => [...e.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim()) && visible(e));
        for (const h of holders) {
          const bg = axe.commons.color.getBackgroundColor(h, []);
          const fg = bg ? axe.commons.color.getForegroundColor(h, false, bg) : null;
          if (!bg || !fg) continue;
          const ratio = axe.commons.color.getContrast(bg, fg);
          if (ratio + 0.005 < o.minContrast) findings.push({ kind: 'contrast', text: label((h as HTMLElement).innerText), ratio: Math.round(ratio * 100) / 100, fg: fg.toHexString(), bg: bg.toHexString(), px: parseFloat(getComputedStyle(h).fontSize), where: `${where(h)} (disabled)` });
        }
      }
    } finally {
      axe.teardown();
    }
    return { findings, texts, targets, smallestPx: smallestPx === Infinity ? 0 : smallestPx };
  }, opts);
}

/** One line per finding, for a failing assertion. */
export function describeFindings(findings: Finding[]): string[] {
  return findings.map((f) => {
    if (f.kind === 'size') return `text ${f.px} px: "${f.text}" at ${f.where}`;
    if (f.kind === 'target') return `target ${f.width}x${f.height} px: "${f.text}" at ${f.where}`;
    return `contrast ${f.ratio}:1 (${f.fg} on ${f.bg}, ${f.px} px): "${f.text}" at ${f.where}`;
  });
}

/**
 * Measure the page now, save its screenshot as `readability-<label>.png`, and add what falls
 * short to `problems` (one line each, prefixed with the label).
 */
export async function checkPage(page: Page, label: string, problems: string[], options?: ReadabilityOptions): Promise<void> {
  const t0 = Date.now();
  const report = await measureReadability(page, options);
  const t1 = Date.now();
  await screenshot(page, `readability-${label}`);
  if (process.env.READABILITY_TIMING) console.log(`${label}: measure ${t1 - t0} ms, screenshot ${Date.now() - t1} ms`);
  expect(report.texts, `${label}: no text measured`).toBeGreaterThan(0);
  for (const line of describeFindings(report.findings)) problems.push(`${label}: ${line}`);
}

/** Assert nothing fell short, printing every shortfall first (an assertion's diff shows only a few). */
export function expectNoProblems(problems: string[]): void {
  if (problems.length) console.log(`${problems.length} readability problems:\n${problems.join('\n')}`);
  expect(problems).toEqual([]);
}
