/**
 * R21 on the counter (issue 8): captured images leave the terminal once the server confirmed
 * them and the hall's retention passed, and a file the server has not confirmed never does.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalDatabase, type MaterialBlobRow } from '../../renderer/db/database';
import { markRefused, markUploaded, nextQueued, queuedCount, readPage, storePage, storePdf } from '../../renderer/materials/materialStore';
import { DAY_MS, mayDelete, sweepMaterials } from '../../renderer/materials/retention';

const T0 = Date.parse('2026-11-23T02:00:00Z');
const open: TerminalDatabase[] = [];
function freshDb(): TerminalDatabase {
  const db = new TerminalDatabase('counter-1', { dexie: { indexedDB: new IDBFactory(), IDBKeyRange } });
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const jpeg = (n: number, seed = 1) => {
  const b = new Uint8Array(n);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < n; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return new Blob([b], { type: 'image/jpeg' });
};
const meta = { width: 2480, height: 3508, mime: 'image/jpeg' as const };

describe('the counter keeps captured pages by content hash', () => {
  it('a page is stored under its SHA-256, queued for upload, and read back as it was', async () => {
    const db = freshDb();
    const blob = jpeg(5000);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const r = await storePage(db, blob, meta, () => T0);
    expect(r).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: 5000 });
    const back = await readPage(db, r.sha256);
    expect(back?.type).toBe('image/jpeg');
    expect(new Uint8Array(await back!.arrayBuffer())).toEqual(bytes);
    expect(await db.materialBlobs.get(r.sha256)).toMatchObject({ state: 'queued', capturedAt: T0, width: 2480, height: 3508, bytes: 5000, mime: 'image/jpeg' });
    expect(await queuedCount(db)).toBe(1);
  });

  it('the same content stored twice is one row, and a confirmed page stays confirmed', async () => {
    const db = freshDb();
    const a = await storePage(db, jpeg(3000), meta, () => T0);
    await markUploaded(db, a.sha256, T0 + 5);
    const b = await storePage(db, jpeg(3000), meta, () => T0 + 1000);
    expect(b).toEqual(a);
    expect(await db.materialBlobs.count()).toBe(1);
    expect(await db.materialBlobs.get(a.sha256)).toMatchObject({ state: 'uploaded', capturedAt: T0, confirmedAt: T0 + 5 });
  });

  it('refuses an empty page and a page that is not JPEG or PNG; keeps a PDF as a file of its own', async () => {
    const db = freshDb();
    await expect(storePage(db, new Blob([]), meta)).rejects.toThrow(/empty/);
    await expect(storePage(db, jpeg(10), { ...meta, mime: 'image/gif' as 'image/png' })).rejects.toThrow(/JPEG or PNG/);
    const pdf = await storePdf(db, new Blob([new TextEncoder().encode('%PDF-1.7 ...')]));
    expect(await db.materialBlobs.get(pdf.sha256)).toMatchObject({ mime: 'application/pdf', state: 'queued' });
  });

  it('the upload queue gives the oldest capture first', async () => {
    const db = freshDb();
    const late = await storePage(db, jpeg(100, 2), meta, () => T0 + 10);
    const early = await storePage(db, jpeg(100, 3), meta, () => T0);
    expect((await nextQueued(db))?.sha256).toBe(early.sha256);
    expect((await nextQueued(db, new Set([early.sha256])))?.sha256).toBe(late.sha256);
  });
});

describe('retention of captured images on the counter', () => {
  const row = (state: MaterialBlobRow['state'], capturedAt: number, confirmedAt?: number) => ({ state, capturedAt, ...(confirmedAt !== undefined ? { confirmedAt } : {}) });

  it('with retention 0 a page goes as soon as the server confirmed it, not before', () => {
    expect(mayDelete(row('queued', T0), T0 + 365 * DAY_MS, 0)).toBe(false);
    expect(mayDelete(row('uploaded', T0, T0 + 1), T0 + 1, 0)).toBe(true);
  });

  it('with retention N days a confirmed page stays N days from its capture', () => {
    expect(mayDelete(row('uploaded', T0, T0 + 1), T0 + 3 * DAY_MS - 1, 3)).toBe(false);
    expect(mayDelete(row('uploaded', T0, T0 + 1), T0 + 3 * DAY_MS, 3)).toBe(true);
  });

  it('a page the server refused, or one queued for years, is never deleted', () => {
    expect(mayDelete(row('refused', T0), T0 + 10_000 * DAY_MS, 0)).toBe(false);
    expect(mayDelete(row('queued', T0), T0 + 10_000 * DAY_MS, 0)).toBe(false);
  });

  it('a retention setting out of range never shortens the wait below what was set: NaN counts as 30 days', () => {
    expect(mayDelete(row('uploaded', T0, T0), T0 + 29 * DAY_MS, Number.NaN)).toBe(false);
    expect(mayDelete(row('uploaded', T0, T0), T0 + 30 * DAY_MS, Number.NaN)).toBe(true);
  });

  it('the sweep deletes confirmed pages past retention, keeps what the counter still shows, and leaves the rest', async () => {
    const db = freshDb();
    const old = await storePage(db, jpeg(100, 1), meta, () => T0);
    const shown = await storePage(db, jpeg(100, 2), meta, () => T0);
    const young = await storePage(db, jpeg(100, 3), meta, () => T0 + 2 * DAY_MS);
    const pending = await storePage(db, jpeg(100, 4), meta, () => T0);
    const refused = await storePage(db, jpeg(100, 5), meta, () => T0);
    for (const f of [old, shown, young]) await markUploaded(db, f.sha256, T0 + 2 * DAY_MS);
    await markRefused(db, refused.sha256, 'wrong-type: not a JPEG');
    const gone = await sweepMaterials(db, { now: T0 + 3 * DAY_MS, retentionDays: 2, keep: (h) => h === shown.sha256 });
    expect(gone).toEqual([old.sha256]);
    expect((await db.materialBlobs.toCollection().primaryKeys()).sort()).toEqual([shown.sha256, young.sha256, pending.sha256, refused.sha256].sort());
    expect(await readPage(db, old.sha256)).toBeUndefined();
  });

  it('whatever the states, ages and retention, a sweep never deletes a page the server has not confirmed', async () => {
    const db = freshDb();
    const arb = fc.record({
      files: fc.array(fc.record({ state: fc.constantFrom('queued', 'uploaded', 'refused'), ageDays: fc.integer({ min: 0, max: 60 }), seed: fc.integer({ min: 1, max: 1_000_000 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
      retentionDays: fc.integer({ min: 0, max: 30 }),
      sweepAfterDays: fc.integer({ min: 0, max: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ files, retentionDays, sweepAfterDays }) => {
        await db.materialBlobs.clear();
        const now = T0 + sweepAfterDays * DAY_MS;
        const rows = new Map<string, { state: string; capturedAt: number }>();
        for (const f of files) {
          const capturedAt = now - f.ageDays * DAY_MS;
          const s = await storePage(db, jpeg(64, f.seed), meta, () => capturedAt);
          if (rows.has(s.sha256)) continue;
          if (f.state === 'uploaded') await markUploaded(db, s.sha256, capturedAt);
          if (f.state === 'refused') await markRefused(db, s.sha256, 'refused');
          rows.set(s.sha256, { state: f.state, capturedAt });
        }
        const gone = new Set(await sweepMaterials(db, { now, retentionDays }));
        for (const [sha256, r] of rows) {
          const due = r.state === 'uploaded' && now >= r.capturedAt + retentionDays * DAY_MS;
          if (gone.has(sha256) !== due) return false;
          if ((await db.materialBlobs.get(sha256)) === undefined !== due) return false;
        }
        return true;
      }),
      { numRuns: 40, seed: 21 },
    );
  });
});
