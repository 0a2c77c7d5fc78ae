/**
 * Issue 16: the real bytes of a Chinese ticket, read back by a decoder that is not ours:
 * Python's own `gbk` codec (CPython's CJK codecs), in a subprocess. Every text run of the job
 * must decode strictly as GBK to the lines a citizen should read; ¥ (U+00A5) is not in GBK, so
 * the ticket prints it as ￥ (U+FFE5, A3 A4) and never as GB18030's four bytes 81 30 84 36.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../electron/devices/common/errors';
import { ticketEscPos } from '../../electron/devices/printer/ticket';
import { decodeCommand } from '../../electron/devices/sim/printerSim';
import type { TicketPrint } from '../../shared/devices/contract';

const TICKET: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang District Government Service Center' },
  number: 'B107',
  service: { zh: '不动产登记（抵押）', en: 'Real estate registration (mortgage)' },
  windowHint: '请到 3-5 号窗口 Windows 3-5',
  ahead: 4,
  waitMinutes: 18,
  issuedAt: '2026-11-23 09:30',
  qr: 'https://zwfw.example.cn/p/B107',
  offline: false,
  notice: { zh: '复印费每页¥0.5，过号请重新取号。', en: 'Copies cost ¥0.5 a page.' },
};

/** Runs Python 3 on `script` with `input` on stdin; its stdout parsed as JSON. */
function python<T>(script: string, input: unknown): T {
  const r = spawnSync(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed (install python3: scripts/install-system-deps.sh): ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as T;
}

const DECODE_RUNS = `
import json, sys
runs = json.load(sys.stdin)
out = []
for h in runs:
    b = bytes.fromhex(h)
    out.append(b.decode('gbk', errors='strict'))
print(json.dumps(out, ensure_ascii=False))
`;

/** The job's text, one entry per printed line: the bytes between line feeds, commands removed. */
function lineBytes(job: Uint8Array): string[] {
  const lines: string[] = [];
  let cur: number[] = [];
  for (let i = 0; i < job.length; ) {
    const d = decodeCommand(job, i, true);
    if (!d) throw new Error(`incomplete command at ${i}`);
    if (d.cmd.t === 'text') cur.push(...d.cmd.bytes);
    if (d.cmd.t === 'lf' || d.cmd.t === 'feed' || d.cmd.t === 'cut') {
      if (cur.length) lines.push(toHex(cur, cur.length));
      cur = [];
    }
    i += d.len;
  }
  if (cur.length) lines.push(toHex(cur, cur.length));
  return lines;
}

describe('a Chinese ticket decoded by Python’s GBK codec (not our encoder)', () => {
  it.each([384, 576] as const)('every line at %i dots decodes strictly as GBK to what the citizen should read', (width) => {
    const job = ticketEscPos(TICKET, width);
    const lines = python<string[]>(DECODE_RUNS, lineBytes(job.bytes));
    const text = lines.join('\n');
    for (const expected of ['朝阳区政务服务中心', 'B107', '不动产登记（抵押）', '请到 3-5 号窗口', '复印费每页￥0.5', '过号请重新取号']) {
      expect(text.replace(/\n/g, '')).toContain(expected);
    }
    expect(text).not.toContain('¥'); // U+00A5 never reaches the paper
    expect(text).not.toContain('\uFFFD');
  });

  it('the ￥ rule: Python agrees GBK has no ¥ (U+00A5), ￥ is A3 A4, and GB18030 would send 4 bytes', () => {
    const facts = python<{ yuanFull: string; yenInGbk: boolean; yenGb18030: string }>(
      `
import json, sys
json.load(sys.stdin)
try:
    '\\u00a5'.encode('gbk'); yen = True
except UnicodeEncodeError:
    yen = False
print(json.dumps({'yuanFull': '\\uffe5'.encode('gbk').hex(), 'yenInGbk': yen, 'yenGb18030': '\\u00a5'.encode('gb18030').hex()}))
`,
      null,
    );
    expect(facts).toEqual({ yuanFull: 'a3a4', yenInGbk: false, yenGb18030: '81308436' });
    const job = Buffer.from(ticketEscPos(TICKET, 384).bytes);
    expect(job.includes(Buffer.from('a3a4', 'hex'))).toBe(true);
    expect(job.includes(Buffer.from(facts.yenGb18030, 'hex'))).toBe(false);
  });
});
