/**
 * The admin's materials tab (issue 8), its pure parts: the server's answer checked at the
 * boundary, requests with the terminal's token and never from a cache, what a ticket's row
 * says (service, window, staff from the fold, pages, upload state), page slots and the PDF's
 * file name, and the pool of page images that fetches a few at a time and revokes every URL
 * when the ticket closes.
 */
import { describe, expect, it } from 'vitest';
import { BlobUrls } from '../../renderer/admin/materials/blobUrls';
import { blobUrl, fetchBlob, fetchMaterials, listUrl, readAnswer, type Fetched, type ListedTicket, type MaterialsAnswer } from '../../renderer/admin/materials/materialsApi';
import {
  dayProblem,
  daySummary,
  failureText,
  keptNote,
  localMaterialsKey,
  materialName,
  pageSlots,
  pagesText,
  pdfFileName,
  pdfState,
  stepDay,
  summaryText,
  ticketMissing,
  ticketRow,
  uploadText,
  wantedPages,
} from '../../renderer/admin/materials/materialsModel';
import { MINUTE, makeHall } from '../support/hall';

const hash = (c: string) => c.repeat(64);

/** An answer as GET /api/admin/materials gives it (server/http/routes/materials.ts). */
function answer(): MaterialsAnswer {
  return {
    day: '2026-11-23',
    tickets: [
      {
        ticketId: 'kiosk-1:1',
        number: 'A001',
        serviceId: 'hukou',
        day: '2026-11-23',
        status: 'serving',
        windowId: 'w1',
        materials: [
          { id: 'm1', name: '户口簿', pages: 2, hashes: [hash('a'), hash('b')], pdf: hash('c'), bytes: 300, windowId: 'w1', at: 1, missing: [] },
          { id: 'm2', name: '租房合同', pages: 1, hashes: [hash('d')], pdf: hash('e'), bytes: 100, windowId: 'w1', at: 2, missing: [hash('d'), hash('e')] },
        ],
      },
    ],
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the server\'s answer', () => {
  it('a list as the server sends it is read; a staff id, when the server adds one, is kept', () => {
    const a = answer();
    expect(readAnswer(a)).toEqual({ ok: true, value: a });
    const withStaff = { ...a, tickets: [{ ...a.tickets[0]!, staffId: 's1' }] };
    const r = readAnswer(withStaff);
    expect(r.ok && r.value.tickets[0]!.staffId).toBe('s1');
  });

  it('an answer of another shape is refused, saying where', () => {
    const bad = answer() as any;
    bad.tickets[0].materials[0].hashes[1] = 'not-a-hash';
    const r = readAnswer(bad);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.failure.kind).toBe('invalid');
    expect(!r.ok && r.failure.kind === 'invalid' && r.failure.detail).toContain('tickets.0.materials.0.hashes.1');
    expect(readAnswer({ tickets: 'none' }).ok).toBe(false);
  });

  it('asks with the terminal\'s token, never from the browser\'s cache', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const r = await fetchMaterials(
      {
        server: 'http://hall:8080/',
        token: 'tok',
        fetch: async (url, init) => {
          seen.push({ url, init });
          return json(200, answer());
        },
      },
      '2026-11-23',
    );
    expect(r.ok).toBe(true);
    expect(seen[0]!.url).toBe('http://hall:8080/api/admin/materials?day=2026-11-23');
    expect((seen[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(seen[0]!.init.cache).toBe('no-store');
    expect(listUrl('http://h', '2026-01-02')).toBe('http://h/api/admin/materials?day=2026-01-02');
    expect(blobUrl('http://h/', hash('a'))).toBe(`http://h/api/materials/blobs/${hash('a')}`);
  });

  it('a refusal, a dead server and a timeout each say what happened', async () => {
    const refused = await fetchMaterials({ server: 'http://h', token: 't', fetch: async () => json(403, { error: 'forbidden', message: 'admin only', messageZh: '仅限管理端' }) }, '2026-11-23');
    expect(refused).toEqual({ ok: false, failure: { kind: 'refused', status: 403, code: 'forbidden', message: { zh: '仅限管理端', en: 'admin only' } } });
    expect(!refused.ok && failureText(refused.failure)).toEqual({ zh: '服务器拒绝：本机无权查看收件材料（仅限管理端）', en: 'Refused: this terminal may not read the materials (admin only)' });

    const down = await fetchMaterials(
      {
        server: 'http://h',
        token: 't',
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        },
      },
      '2026-11-23',
    );
    expect(down).toEqual({ ok: false, failure: { kind: 'unreachable', detail: 'Failed to fetch' } });
    expect(!down.ok && failureText(down.failure).zh).toBe('无法连接服务器（Failed to fetch）');

    const slow = await fetchMaterials(
      { server: 'http://h', token: 't', timeoutMs: 10, fetch: (_u, init) => new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(new Error('aborted')))) },
      '2026-11-23',
    );
    expect(slow).toEqual({ ok: false, failure: { kind: 'unreachable', detail: '0 s timeout' } });

    const notJson = await fetchMaterials({ server: 'http://h', token: 't', fetch: async () => new Response('<html>', { status: 200 }) }, '2026-11-23');
    expect(!notJson.ok && notJson.failure.kind).toBe('invalid');
  });

  it('a file comes as a blob; one the hall does not hold is a 404 said plainly', async () => {
    const ok = await fetchBlob({ server: 'http://h', token: 't', fetch: async () => new Response(new Uint8Array([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } }) }, hash('a'));
    expect(ok.ok && ok.value.size).toBe(3);
    const gone = await fetchBlob({ server: 'http://h', token: 't', fetch: async () => json(404, { error: 'not-found', message: 'this hall holds no file with this hash', messageZh: '未找到该文件' }) }, hash('a'));
    expect(!gone.ok && failureText(gone.failure).zh).toBe('服务器上没有这个文件（未找到该文件）');
  });
});

describe('what a ticket\'s row says', () => {
  /** A hall where A001 was served at window 1 by 王芳 and the hukou guide lists the household register. */
  function hall() {
    const h = makeHall();
    h.emit(h.admin, 'config.changed', {
      kind: 'service',
      id: 'hukou',
      value: { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' }, guide: { materials: [{ zh: '户口簿', en: 'Household register' }] } },
    });
    const c1 = h.terminal('counter-1');
    h.open(c1, 'w1', 's1');
    const ticketId = h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.emit(c1, 'ticket.called', { ticketId, windowId: 'w1' });
    h.emit(c1, 'ticket.started', { ticketId, windowId: 'w1' });
    return { h, c1, ticketId };
  }

  it('names the service, the window, the clerk (from the fold), the status, and each material with its pages', () => {
    const { h, ticketId } = hall();
    const t: ListedTicket = { ...answer().tickets[0]!, ticketId };
    const row = ticketRow(h.fold.state, t);
    expect(row).toMatchObject({
      number: 'A001',
      service: { zh: '户籍办理', en: 'Household registration' },
      window: '1',
      staff: '王芳',
      status: { zh: '办理中', en: 'being served' },
      pages: 3,
      missing: 2,
    });
    // The guide's name gets its English; a name typed at the counter stays as typed.
    expect(row.materials).toEqual([
      { id: 'm1', name: { zh: '户口簿', en: 'Household register' }, pages: 2, missing: 0 },
      { id: 'm2', name: { zh: '租房合同', en: '租房合同' }, pages: 1, missing: 2 },
    ]);
    expect(materialName(h.fold.state, 'social', '户口簿')).toEqual({ zh: '户口簿', en: 'Household register' });
  });

  it('a ticket the admin\'s fold does not know shows no clerk rather than a wrong one; the server\'s staff id wins', () => {
    const { h } = hall();
    const t = answer().tickets[0]!;
    expect(ticketRow(h.fold.state, { ...t, ticketId: 'elsewhere:9' }).staff).toBe('—');
    expect(ticketRow(h.fold.state, { ...t, ticketId: 'elsewhere:9', staffId: 's2' }).staff).toBe('李强');
    expect(ticketRow(h.fold.state, { ...t, windowId: undefined } as ListedTicket).window).toBe('—');
  });

  it('upload state: uploaded, or how many files are still on their way (a file counted once)', () => {
    expect(uploadText(0)).toEqual({ zh: '已上传', en: 'uploaded' });
    expect(uploadText(1)).toEqual({ zh: '1 个文件待上传', en: '1 file still uploading' });
    expect(uploadText(3)).toEqual({ zh: '3 个文件待上传', en: '3 files still uploading' });
    const t = answer().tickets[0]!;
    expect(ticketMissing(t)).toBe(2);
    // The same page in two materials, missing: one file.
    expect(ticketMissing({ materials: [{ ...t.materials[1]! }, { ...t.materials[1]!, id: 'm3' }] })).toBe(2);
    expect(pagesText(2)).toEqual({ zh: '2 页', en: '2 pages' });
    expect(pagesText(1)).toEqual({ zh: '1 页', en: '1 page' });
  });

  it('the day\'s summary counts tickets, materials, pages and files to come', () => {
    const s = daySummary(answer());
    expect(s).toEqual({ tickets: 1, materials: 2, pages: 3, missing: 2 });
    expect(summaryText(s)).toEqual({ zh: '1 个号 · 2 份材料 · 3 页 · 2 个文件待上传', en: '1 ticket · 2 materials · 3 pages · 2 files still uploading' });
    expect(summaryText(daySummary({ day: 'x', tickets: [] })).zh).toBe('0 个号 · 0 份材料 · 0 页');
  });

  it('the key of the day\'s materials in the fold changes when a material is attached or re-attached', () => {
    const { h, c1, ticketId } = hall();
    const day = h.fold.state.tickets.get(ticketId)!.day;
    const before = localMaterialsKey(h.fold.state, day);
    const page = { sha256: hash('a'), bytes: 10, width: 10, height: 14, mime: 'image/jpeg' as const };
    h.emit(c1, 'material.attached', { ticketId, windowId: 'w1', materialId: 'm1', name: '户口簿', pages: [page] });
    const once = localMaterialsKey(h.fold.state, day);
    expect(once).not.toBe(before);
    h.emit(c1, 'material.attached', { ticketId, windowId: 'w1', materialId: 'm1', name: '户口簿', pages: [page, { ...page, sha256: hash('b') }] });
    expect(localMaterialsKey(h.fold.state, day)).not.toBe(once);
    expect(localMaterialsKey(h.fold.state, '2020-01-01')).toBe('');
  });
});

describe('pages and files', () => {
  it('each page is a slot: a file to show, or one not uploaded yet; only held pages are fetched, once, in order', () => {
    const t = answer().tickets[0]!;
    expect(pageSlots(t.materials[1]!)).toEqual([{ index: 0, sha256: hash('d'), missing: true }]);
    expect(pageSlots(t.materials[0]!).map((s) => s.missing)).toEqual([false, false]);
    const twice = { materials: [...t.materials, { ...t.materials[0]!, id: 'm3' }] };
    expect(wantedPages(twice)).toEqual([hash('a'), hash('b')]);
  });

  it('the PDF is ready, not uploaded yet, or absent', () => {
    const [m1, m2] = answer().tickets[0]!.materials;
    expect(pdfState(m1!)).toBe('ready');
    expect(pdfState(m2!)).toBe('missing');
    expect(pdfState({ missing: [] })).toBe('none');
  });

  it('the PDF is saved as <number>-<material name>.pdf, safe on any disk', () => {
    expect(pdfFileName('A001', '户口簿')).toBe('A001-户口簿.pdf');
    expect(pdfFileName('A001', '合同 / 协议: "补充"')).toBe('A001-合同 _ 协议_ _补充_.pdf');
    expect(pdfFileName('A001', '..')).toBe('A001-material.pdf');
    expect(pdfFileName('A001', 'x'.repeat(200))).toBe(`A001-${'x'.repeat(80)}.pdf`);
    expect(pdfFileName('A001', 'a\u0000b\nc')).toBe('A001-a_b_c.pdf');
  });
});

describe('the day picker', () => {
  it('steps a day at a time, never past today', () => {
    expect(stepDay('2026-11-23', -1, '2026-11-23')).toBe('2026-11-22');
    expect(stepDay('2026-11-01', -1, '2026-11-23')).toBe('2026-10-31');
    expect(stepDay('2026-11-22', 1, '2026-11-23')).toBe('2026-11-23');
    expect(stepDay('2026-11-23', 1, '2026-11-23')).toBe('2026-11-23');
    expect(stepDay('', -1, '2026-11-23')).toBe('2026-11-23');
  });

  it('a day not valid or still to come is said so', () => {
    expect(dayProblem('2026-11-23', '2026-11-23')).toBeNull();
    expect(dayProblem('2026-02-30', '2026-11-23')?.zh).toBe('请选择一个有效日期');
    expect(dayProblem('2026-11-24', '2026-11-23')?.en).toBe('That day has not come yet');
  });

  it('a list kept from an earlier answer says when it was loaded', () => {
    const at = Date.parse('2026-11-23T02:05:00Z');
    expect(keptNote(at, 'Asia/Shanghai', '2026-11-23')).toEqual({ zh: '下面是 10:05 取得的结果', en: 'Below is the list as of 10:05' });
    expect(keptNote(at, 'Asia/Shanghai', '2026-11-24').zh).toBe('下面是 2026-11-23 10:05 取得的结果');
  });
});

describe('the page images of the ticket opened', () => {
  function harness(concurrency = 2) {
    const calls: string[] = [];
    const pending = new Map<string, (r: Fetched<Blob>) => void>();
    const created: string[] = [];
    const revoked: string[] = [];
    let n = 0;
    const pool = new BlobUrls({
      load: (h) => {
        calls.push(h);
        return new Promise((resolve) => pending.set(h, resolve));
      },
      createUrl: () => {
        const u = `blob:${++n}`;
        created.push(u);
        return u;
      },
      revokeUrl: (u) => revoked.push(u),
      concurrency,
    });
    const settle = async (h: string, r: Fetched<Blob> = { ok: true, value: new Blob(['x']) }) => {
      pending.get(h)!(r);
      pending.delete(h);
      await new Promise((r) => setTimeout(r, 0));
    };
    return { pool, calls, created, revoked, settle };
  }

  it('fetches in the order asked, a few at a time, each file once', async () => {
    const { pool, calls, settle } = harness(2);
    pool.want(['a', 'b', 'c']);
    pool.want(['a', 'c']);
    expect(calls).toEqual(['a', 'b']);
    expect(pool.get('c')).toEqual({ state: 'loading' });
    await settle('a');
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(pool.get('a')).toEqual({ state: 'ready', url: 'blob:1' });
  });

  it('a file that fails says why, and is asked for again after retryFailed', async () => {
    const { pool, calls, settle } = harness(2);
    pool.want(['a']);
    await settle('a', { ok: false, failure: { kind: 'unreachable', detail: 'Failed to fetch' } });
    expect(pool.get('a')).toEqual({ state: 'failed', why: { zh: '无法连接服务器（Failed to fetch）', en: 'Cannot reach the server (Failed to fetch)' } });
    pool.want(['a']);
    expect(calls).toEqual(['a']);
    pool.retryFailed();
    pool.want(['a']);
    expect(calls).toEqual(['a', 'a']);
  });

  it('closing revokes every URL; a file arriving afterwards never becomes one', async () => {
    const { pool, created, revoked, settle } = harness(3);
    let changes = 0;
    pool.subscribe(() => changes++);
    pool.want(['a', 'b']);
    await settle('a');
    expect(pool.liveUrls()).toEqual(['blob:1']);
    pool.close();
    expect(revoked).toEqual(['blob:1']);
    await settle('b');
    expect(created).toEqual(['blob:1']);
    expect(pool.liveUrls()).toEqual([]);
    const before = changes;
    pool.want(['c']);
    expect(changes).toBe(before);
  });
});
