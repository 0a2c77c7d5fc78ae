/**
 * Issue 17: "Jargon to citizens: 'printing is not available: the device host closed the
 * connection'". Plain words for citizens, details for the log: no text of the kiosk or the
 * evaluator says "device host", "connection", "socket", "HTTP", "error code" (or the like), in
 * either language; technical refusals are reworded and their cause logged.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { citizenRefusal, CITIZEN_CANNOT_ISSUE, CITIZEN_NETWORK_DOWN } from '../../renderer/kiosk/citizenWords';
import { citizenPrintMessage } from '../../renderer/kiosk/printFault';

const JARGON = /device host|connection|socket|http|error code|timeout|exception|econn|enoent|dle eot|设备服务|套接字|错误码|错误代码|超时/i;
const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Every string a screen could show: literals and template pieces that read as text (a space or Chinese). */
function screenTexts(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    let t: string | undefined;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) t = n.text;
    else if (ts.isTemplateExpression(n)) t = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ');
    else if (ts.isJsxText(n)) t = n.text.trim();
    const p = n.parent as ts.Node | undefined;
    // What goes to the log (console, a log callback) is for support, not the screen.
    const logged = p !== undefined && ts.isCallExpression(p) && /console\.|log\b/.test(p.expression.getText());
    if (t && p && !ts.isImportDeclaration(p) && !logged && (/\s/.test(t.trim()) || /[\u4e00-\u9fff]/.test(t))) out.push(t);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

describe('plain words for citizens (issue 17)', () => {
  it('no text of the kiosk, the evaluator or their status banner speaks of device hosts, connections, sockets, HTTP or error codes', () => {
    const files = [...sources(join(ROOT, 'renderer/kiosk')), ...sources(join(ROOT, 'renderer/evaluator')), join(ROOT, 'renderer/app/StatusBanner.tsx')];
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => screenTexts(f).filter((t) => JARGON.test(t)).map((t) => `${f.slice(ROOT.length + 1)}: ${t}`));
    expect(found).toEqual([]);
  });

  it.each(['paper-out', 'cover-open', 'device-host', 'timeout', 'no-printer', 'missing', 'no-status', 'write-failed', 'unconfirmed', 'printer-error', 'something-new'])(
    'a print that failed with %s tells the citizen, in plain words, to use the e-ticket on screen',
    (code) => {
      const m = citizenPrintMessage(code);
      expect(m.zh).toContain('电子号票');
      expect(m.en).toContain('e-ticket');
      expect(`${m.zh} ${m.en}`).not.toMatch(JARGON);
    },
  );

  it('a technical refusal reads as what the citizen can do, and its cause goes to the log', () => {
    const logged: string[] = [];
    const server = { zh: 'HTTP 500：服务器内部错误', en: 'HTTP 500: internal error (socket hang up)' };
    expect(citizenRefusal('server-refused', server, (l) => logged.push(l))).toEqual(CITIZEN_CANNOT_ISSUE);
    expect(citizenRefusal('not-caught-up', { zh: '本机尚未与服务器完成首次同步', en: 'not caught up with the server' }, (l) => logged.push(l))).toEqual(CITIZEN_NETWORK_DOWN);
    expect(logged.join('\n')).toContain('HTTP 500');
    // A refusal written for citizens (the schedule, a limit) passes unchanged.
    const closed = { zh: '该业务今天已停止取号，请明天 9:00 后再来。', en: 'No more tickets for this service today. Please come back after 9:00 tomorrow.' };
    expect(citizenRefusal('cut-off', closed, (l) => logged.push(l))).toBe(closed);
    expect(logged).toHaveLength(2);
  });
});
