/**
 * The QR encoder behind the spooler's inline SVG. It was checked once against an independent
 * decoder (zbarimg) for every level, every mask and versions 1-40; that check runs again here,
 * never skipped: zbar-tools comes with scripts/install-system-deps.sh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeQr, qrByteCapacity, qrDark, qrSize, qrToSvg, qrVersionFor, type QrEcLevel, type QrMatrix } from '../../shared/qr/qr';

describe('QR encoder', () => {
  it('byte-mode capacities match the standard table', () => {
    const table: Record<number, [number, number, number, number]> = {
      1: [17, 14, 11, 7],
      2: [32, 26, 20, 14],
      5: [106, 84, 60, 44],
      10: [271, 213, 151, 119],
      40: [2953, 2331, 1663, 1273],
    };
    for (const [v, caps] of Object.entries(table)) {
      (['L', 'M', 'Q', 'H'] as QrEcLevel[]).forEach((l, i) => expect(qrByteCapacity(Number(v), l), `v${v} ${l}`).toBe(caps[i]));
    }
    expect(qrVersionFor(14, 'M')).toBe(1);
    expect(qrVersionFor(15, 'M')).toBe(2);
    expect(qrVersionFor(2332, 'M')).toBeUndefined();
    expect(qrSize(13)).toBe(69);
  });

  it('draws finder patterns, timing patterns and the dark module', () => {
    const m = encodeQr('https://zwfw.example.cn/进度/A023', 'M');
    const finderRow = (x0: number, y: number) => Array.from({ length: 7 }, (_, i) => (qrDark(m, x0 + i, y) ? 1 : 0)).join('');
    for (const [x, y] of [
      [0, 0],
      [m.size - 7, 0],
      [0, m.size - 7],
    ] as const) {
      expect(finderRow(x, y)).toBe('1111111');
      expect(finderRow(x, y + 1)).toBe('1000001');
      expect(finderRow(x, y + 3)).toBe('1011101');
      expect(finderRow(x, y + 6)).toBe('1111111');
    }
    for (let i = 8; i < m.size - 8; i++) {
      expect(qrDark(m, i, 6)).toBe(i % 2 === 0);
      expect(qrDark(m, 6, i)).toBe(i % 2 === 0);
    }
    expect(qrDark(m, 8, m.size - 8)).toBe(true);
  });

  it('writes format information that decodes to its level and mask, in both copies', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as QrEcLevel[]) {
      for (let mask = 0; mask < 8; mask++) {
        const m = encodeQr('hallq', level, mask);
        const [a, b] = formatCopies(m);
        expect(a).toBe(b);
        const data = (a ^ 0x5412) >> 10;
        expect({ level: ['M', 'L', 'H', 'Q'][data >> 3], mask: data & 7 }).toEqual({ level, mask });
      }
    }
  });

  it('SVG: one path of dark modules in a quiet zone', () => {
    const m = encodeQr('A023', 'M');
    const svg = qrToSvg(m, { sizeCss: '30mm', title: '<x>' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 29 29" width="30mm" height="30mm"/);
    expect(svg).toContain('<title>&lt;x&gt;</title>');
    let dark = 0;
    for (let i = 0; i < m.modules.length; i++) dark += m.modules[i]!;
    expect(svg.match(/h1v1h-1z/g)).toHaveLength(dark);
  });

  it('an independent decoder (zbarimg) reads every level, mask and size back', () => {
    expect(spawnSync('zbarimg', ['--version']).status, 'zbarimg is missing: run scripts/install-system-deps.sh (zbar-tools)').toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'hallq-qr-'));
    try {
      const cases: Array<[string, QrEcLevel, number?]> = [
        ['A023', 'M'],
        ['https://zwfw.example.cn/进度/户籍?号=A023', 'M'],
        [`https://zwfw.example.cn/p/${'x'.repeat(274)}`, 'M'],
        ['x'.repeat(1200), 'Q'],
        ['y'.repeat(2331), 'M'],
      ];
      for (let mask = 0; mask < 8; mask++) cases.push([`https://hall.example.cn/p/mask${mask}`, (['L', 'M', 'Q', 'H'] as const)[mask % 4]!, mask]);
      cases.forEach(([text, level, mask], i) => {
        const file = join(dir, `q${i}.pbm`);
        writeFileSync(file, toPbm(encodeQr(text, level, mask)));
        const out = execFileSync('zbarimg', ['-q', '--raw', '-Sbinary', file], { stdio: ['ignore', 'pipe', 'ignore'] });
        expect(out.toString('utf8').replace(/\n$/, ''), `case ${i}`).toBe(text);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function formatCopies(m: QrMatrix): [number, number] {
  const d = (x: number, y: number) => (qrDark(m, x, y) ? 1 : 0);
  let a = 0;
  let b = 0;
  const firstBits: Array<[number, number]> = [];
  for (let i = 0; i <= 5; i++) firstBits.push([8, i]);
  firstBits.push([8, 7], [8, 8], [7, 8]);
  for (let i = 9; i < 15; i++) firstBits.push([14 - i, 8]);
  firstBits.forEach(([x, y], i) => (a |= d(x, y) << i));
  for (let i = 0; i < 8; i++) b |= d(m.size - 1 - i, 8) << i;
  for (let i = 8; i < 15; i++) b |= d(8, m.size - 15 + i) << i;
  return [a, b];
}

function toPbm(m: QrMatrix, scale = 4, quiet = 4): string {
  const dim = (m.size + quiet * 2) * scale;
  const rows: string[] = [];
  for (let y = 0; y < dim; y++) {
    const r: string[] = [];
    for (let x = 0; x < dim; x++) {
      const mx = Math.floor(x / scale) - quiet;
      const my = Math.floor(y / scale) - quiet;
      r.push(mx >= 0 && my >= 0 && mx < m.size && my < m.size && qrDark(m, mx, my) ? '1' : '0');
    }
    rows.push(r.join(''));
  }
  return `P1\n${dim} ${dim}\n${rows.join('\n')}\n`;
}
