import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LogFs, RotatingLog, pipeConsole, redact, redactText } from '../../electron/main/logging/rotatingLog';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hallq-log-'));
  dirs.push(d);
  return join(d, 'logs');
};
const T0 = Date.parse('2025-03-03T01:00:00Z');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('the main-process log', () => {
  it('writes JSON lines with time, level, message and data, creating its folder', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 10_000, files: 3, fs, now: () => T0 });
    log.info('started', { version: '0.1.0' });
    log.warn('printer', { code: 'paper-out' });
    log.error('boom', { error: new Error('disk') });
    const [a, b, c] = lines(join(dir, 'hallq.log'));
    expect(a).toEqual({ t: '2025-03-03T01:00:00.000Z', level: 'info', msg: 'started', version: '0.1.0' });
    expect(b).toMatchObject({ level: 'warn', code: 'paper-out' });
    expect(c).toMatchObject({ level: 'error', msg: 'boom', error: { name: 'Error', message: 'disk' } });
  });

  it('data cannot overwrite the time, level or message', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 10_000, files: 3, fs, now: () => T0 });
    log.info('real', { msg: 'fake', level: 'error' });
    expect(lines(join(dir, 'hallq.log'))[0]).toMatchObject({ msg: 'real', level: 'info', _msg: 'fake', _level: 'error' });
  });

  it('rotates by size and keeps N files, the oldest deleted', () => {
    const dir = tempDir();
    let t = T0;
    const log = new RotatingLog({ dir, name: 'kiosk', maxBytes: 200, files: 3, fs, now: () => t++ });
    for (let i = 0; i < 30; i++) log.info(`line ${String(i).padStart(2, '0')}`);
    expect(readdirSync(dir).sort()).toEqual(['kiosk.1.log', 'kiosk.2.log', 'kiosk.log']);
    for (const f of readdirSync(dir)) expect(fs.statSync(join(dir, f)).size).toBeLessThanOrEqual(200);
    const all = ['kiosk.2.log', 'kiosk.1.log', 'kiosk.log'].flatMap((f) => lines(join(dir, f)).map((l) => l.msg));
    // The newest lines survive, in order; the oldest went with the deleted files.
    expect(all.at(-1)).toBe('line 29');
    expect(all).toEqual([...all].sort());
    expect(all).not.toContain('line 00');
    expect(log.failures).toBe(0);
  });

  it('continues an existing file after a restart, counting its size', () => {
    const dir = tempDir();
    const first = new RotatingLog({ dir, maxBytes: 150, files: 2, fs, now: () => T0 });
    first.info('before restart');
    const second = new RotatingLog({ dir, maxBytes: 150, files: 2, fs, now: () => T0 });
    second.info('after restart, long enough to need a new file');
    expect(lines(join(dir, 'hallq.1.log')).map((l) => l.msg)).toEqual(['before restart']);
    expect(lines(join(dir, 'hallq.log')).map((l) => l.msg)).toEqual(['after restart, long enough to need a new file']);
  });

  it('with files = 1 the full file is simply started again', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 100, files: 1, fs, now: () => T0 });
    for (let i = 0; i < 5; i++) log.info(`line ${i}`);
    expect(readdirSync(dir)).toEqual(['hallq.log']);
    expect(lines(join(dir, 'hallq.log')).at(-1).msg).toBe('line 4');
  });

  it('masks ID numbers, mobile numbers and personal fields (R21)', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 10_000, files: 2, fs, now: () => T0 });
    log.info('card read 11010519491231002X for 13812345678', {
      idNumber: '110105194912310021',
      name: '张三丰',
      phone: '13812345678',
      nested: { holder: { id_number: '110105194912310021', note: 'id 110105194912310021' } },
      raw: Buffer.from('110105194912310021'),
      printer: 'POS-80',
      ticket: 'A001',
      at: 1741000000000,
    });
    const text = readFileSync(join(dir, 'hallq.log'), 'utf8');
    expect(text).not.toMatch(/110105194912310021|11010519491231002X|13812345678|张三丰/);
    const [line] = lines(join(dir, 'hallq.log'));
    expect(line.msg).toBe('card read 110***********002X for 138****5678');
    expect(line).toMatchObject({
      idNumber: '110***********0021',
      name: '张**',
      phone: '138****5678',
      nested: { holder: { id_number: '110***********0021', note: 'id 110***********0021' } },
      raw: '[18 bytes]',
      printer: 'POS-80',
      ticket: 'A001',
      at: 1741000000000,
    });
  });

  it('leaves longer digit runs and short numbers alone', () => {
    expect(redactText('trace 1234567890123456789012 ok')).toBe('trace 1234567890123456789012 ok');
    expect(redactText('ticket A001, window 3, took 1741000000000 ms')).toBe('ticket A001, window 3, took 1741000000000 ms');
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ a: 1, self: '[circular]' });
  });

  it('a throwing file system never throws: failures are counted, and writing resumes', () => {
    let broken = true;
    const boom = () => {
      if (broken) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const written: string[] = [];
    const flaky: LogFs = {
      appendFileSync: (_p, d) => (boom(), void written.push(d)),
      statSync: () => (boom(), { size: 0 }),
      renameSync: boom,
      existsSync: () => false,
      mkdirSync: boom,
      rmSync: boom,
    };
    const log = new RotatingLog({ dir: '/nowhere', maxBytes: 100, files: 3, fs: flaky, now: () => T0 });
    expect(() => {
      log.info('a');
      log.warn('b');
      log.error('c', { big: 'x'.repeat(500) });
    }).not.toThrow();
    expect(log.failures).toBe(3);
    broken = false;
    log.info('back');
    expect(written.map((l) => JSON.parse(l).msg)).toEqual(['back']);
  });

  it('data that cannot be serialised does not throw either', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 10_000, files: 2, fs, now: () => T0 });
    const evil = {
      get boom() {
        throw new Error('getter');
      },
    };
    expect(() => log.info('evil', evil)).not.toThrow();
    expect(() => log.info('big', { n: 10n })).not.toThrow();
    expect(lines(join(dir, 'hallq.log')).map((l) => l.msg)).toEqual(['big']);
    expect(log.failures).toBe(1);
  });

  it('console output can be piped into the log, and unpiped', () => {
    const sink = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const target = { log: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const originalWarn = target.warn;
    const undo = pipeConsole(sink, target);
    target.log('hello %s', 'hall');
    target.warn('careful');
    target.error(new Error('bad'));
    expect(sink.info).toHaveBeenCalledWith('hello hall', { source: 'console' });
    expect(sink.warn).toHaveBeenCalledWith('careful', { source: 'console' });
    expect(sink.error.mock.calls[0]![0]).toMatch(/Error: bad/);
    expect(originalWarn).toHaveBeenCalledWith('careful');
    undo();
    expect(target.warn).toBe(originalWarn);
  });
});
