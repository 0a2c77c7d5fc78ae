/**
 * Materials received at the window (issue 8) in the event log and the fold: which tickets have
 * which materials, only from the window that serves the ticket, the same in every replica.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorEvent, parseEvent, type HallEvent, type PayloadInput } from '../../shared/events';
import { canonicalState, foldEvents } from '../../shared/fold';
import { PolicySchema } from '../../shared/config/schemas';
import { mayAuthor } from '../../shared/sync/permissions';
import { HybridClock } from '../../shared/clock';
import { HALL, MINUTE, makeHall, type TestHall } from '../support/hall';

const hash = (c: string) => c.repeat(64);
const page = (c: string, bytes = 200_000) => ({ sha256: hash(c), bytes, width: 2480, height: 3508, mime: 'image/jpeg' as const });
const material = (ticketId: string, windowId: string, materialId: string, pages = [page('a')], extra: Partial<PayloadInput<'material.attached'>> = {}) => ({
  ticketId,
  windowId,
  materialId,
  name: '居民身份证',
  pages,
  ...extra,
});

/** A hall with A001 called at w1 (counter-1) and a second counter at w2. */
function hallWithCall(): { h: TestHall; ticket: string; c1: ReturnType<TestHall['terminal']>; c2: ReturnType<TestHall['terminal']> } {
  const h = makeHall();
  const k = h.terminal('kiosk-1');
  const c1 = h.terminal('counter-1');
  const c2 = h.terminal('counter-2');
  h.open(c1, 'w1', 's1');
  h.open(c2, 'w2', 's2');
  const ticket = h.issue(k, { serviceId: 'hukou' });
  h.advance(MINUTE);
  h.emit(c1, 'ticket.called', { ticketId: ticket, windowId: 'w1' });
  return { h, ticket, c1, c2 };
}

const notesOf = (h: TestHall, type: string) => h.fold.state.notes.filter((n) => n.type === type).map((n) => n.code);

describe('materials in the fold', () => {
  it('a material attached at the window serving the ticket is listed on the ticket with its pages by hash', () => {
    const { h, ticket, c1 } = hallWithCall();
    h.emit(c1, 'ticket.started', { ticketId: ticket, windowId: 'w1' });
    const e = h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1', [page('a', 100), page('b', 200)], { pdf: { sha256: hash('c'), bytes: 50 } }));
    expect(h.fold.state.tickets.get(ticket)!.materials).toEqual([
      { id: 'm1', name: '居民身份证', pages: 2, hashes: [hash('a'), hash('b')], pdf: hash('c'), bytes: 350, windowId: 'w1', at: h.now(), eventId: `${e.origin}:${e.seq}` },
    ]);
    expect(h.fold.state.notes).toEqual([]);
  });

  it('a ticket without materials carries no materials list', () => {
    const { h, ticket } = hallWithCall();
    expect(h.fold.state.tickets.get(ticket)!.materials).toBeUndefined();
  });

  it('the window may still attach after it finished the ticket (pages scanned after the citizen left)', () => {
    const { h, ticket, c1 } = hallWithCall();
    h.emit(c1, 'ticket.finished', { ticketId: ticket, windowId: 'w1', outcome: 'done' });
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1'));
    expect(h.fold.state.tickets.get(ticket)!.materials).toHaveLength(1);
  });

  it('another window cannot attach to a ticket it does not serve: kept in the log with a note, not applied', () => {
    const { h, ticket, c2 } = hallWithCall();
    h.emit(c2, 'material.attached', material(ticket, 'w2', 'm1'));
    expect(h.fold.state.tickets.get(ticket)!.materials).toBeUndefined();
    expect(notesOf(h, 'material.attached')).toEqual(['not-served-here']);
  });

  it('nothing attaches to a ticket still waiting, or to an unknown ticket', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c1 = h.terminal('counter-1');
    h.open(c1, 'w1');
    const waiting = h.issue(k, { serviceId: 'hukou' });
    h.emit(c1, 'material.attached', material(waiting, 'w1', 'm1'));
    h.emit(c1, 'material.attached', material('nobody~1:9', 'w1', 'm2'));
    expect(h.fold.state.tickets.get(waiting)!.materials).toBeUndefined();
    expect(notesOf(h, 'material.attached')).toEqual(['not-served-here', 'unknown-ticket']);
  });

  it('attaching the same material again replaces it in place (pages re-captured or reordered)', () => {
    const { h, ticket, c1 } = hallWithCall();
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1', [page('a')]));
    h.emit(c1, 'material.attached', { ...material(ticket, 'w1', 'm2', [page('d')]), name: '户口簿' });
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1', [page('b'), page('a')]));
    const list = h.fold.state.tickets.get(ticket)!.materials!;
    expect(list.map((m) => [m.id, m.hashes])).toEqual([
      ['m1', [hash('b'), hash('a')]],
      ['m2', [hash('d')]],
    ]);
  });

  it('the window that attached a material removes it; another window cannot, and an unknown one is noted', () => {
    const { h, ticket, c1, c2 } = hallWithCall();
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1'));
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm2'));
    h.emit(c2, 'material.removed', { ticketId: ticket, windowId: 'w2', materialId: 'm1' });
    h.emit(c1, 'material.removed', { ticketId: ticket, windowId: 'w1', materialId: 'm9' });
    expect(h.fold.state.tickets.get(ticket)!.materials!.map((m) => m.id)).toEqual(['m1', 'm2']);
    h.emit(c1, 'material.removed', { ticketId: ticket, windowId: 'w1', materialId: 'm1' });
    expect(h.fold.state.tickets.get(ticket)!.materials!.map((m) => m.id)).toEqual(['m2']);
    h.emit(c1, 'material.removed', { ticketId: ticket, windowId: 'w1', materialId: 'm2' });
    expect(h.fold.state.tickets.get(ticket)!.materials).toBeUndefined();
    expect(notesOf(h, 'material.removed')).toEqual(['material-other-window', 'unknown-material']);
  });

  it('a transferred ticket keeps the materials of its first window; the new window adds its own, the old one no longer can', () => {
    const { h, ticket, c1, c2 } = hallWithCall();
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1'));
    h.emit(c1, 'ticket.transferred', { ticketId: ticket, windowId: 'w1', toWindowId: 'w2' });
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm3'));
    h.emit(c2, 'ticket.called', { ticketId: ticket, windowId: 'w2', manual: true });
    h.emit(c2, 'material.attached', material(ticket, 'w2', 'm2', [page('e')]));
    // The same material id from the new window does not take over the old window's material.
    h.emit(c2, 'material.attached', material(ticket, 'w2', 'm1', [page('f')]));
    const list = h.fold.state.tickets.get(ticket)!.materials!;
    expect(list.map((m) => [m.id, m.windowId, m.hashes[0]])).toEqual([
      ['m1', 'w1', hash('a')],
      ['m2', 'w2', hash('e')],
    ]);
    expect(notesOf(h, 'material.attached')).toEqual(['not-served-here', 'material-other-window']);
  });

  it('every replica agrees on the materials however the events arrive', () => {
    const { h, ticket, c1, c2 } = hallWithCall();
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1'));
    h.emit(c2, 'material.attached', material(ticket, 'w2', 'm2'));
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm1', [page('b')]));
    h.emit(c1, 'material.removed', { ticketId: ticket, windowId: 'w1', materialId: 'm1' });
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm4', [page('c')]));
    h.emit(c1, 'ticket.finished', { ticketId: ticket, windowId: 'w1', outcome: 'done' });
    h.emit(c1, 'material.attached', material(ticket, 'w1', 'm5', [page('d')]));
    const log = [...h.fold.log];
    const sorted = canonicalState(foldEvents(HALL, log));
    expect(canonicalState(h.fold.state)).toBe(sorted);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: log.length, maxLength: log.length }), (keys) => {
        const shuffled = log.map((e, i) => [keys[i]!, e] as const).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
        return canonicalState(foldEvents(HALL, shuffled)) === sorted;
      }),
      { numRuns: 30, seed: 8 },
    );
    expect(h.fold.state.tickets.get(ticket)!.materials!.map((m) => m.id)).toEqual(['m4', 'm5']);
  });
});

describe('the material events', () => {
  const ctx = () => {
    let seq = 0;
    return { hall: HALL, origin: 'counter-1~1', clock: new HybridClock({ now: () => 1_763_800_000_000 }), nextSeq: () => ++seq };
  };
  const valid = material('kiosk-1~1:1', 'w1', 'm1');
  const check = (payload: unknown) => {
    const e = authorEvent(ctx(), 'material.attached', valid) as HallEvent;
    return parseEvent({ ...e, payload });
  };

  it('a counter may author them; a kiosk, an evaluator and a display may not', () => {
    for (const t of ['material.attached', 'material.removed'] as const) {
      expect(mayAuthor('counter', t)).toBe(true);
      for (const role of ['kiosk', 'evaluator', 'display'] as const) expect(mayAuthor(role, t)).toBe(false);
    }
  });

  it.each([
    ['no pages', { pages: [] }, /pages/],
    ['51 pages', { pages: Array.from({ length: 51 }, () => page('a')) }, /pages/],
    ['a hash that is not 64 hex digits', { pages: [{ ...page('a'), sha256: 'A'.repeat(64) }] }, /sha256/],
    ['a page that is not JPEG or PNG', { pages: [{ ...page('a'), mime: 'image/gif' }] }, /mime/],
    ['a page over 20 MB', { pages: [page('a', 20 * 1024 * 1024 + 1)] }, /bytes/],
    ['a name over 100 characters', { name: '证'.repeat(101) }, /name/],
    ['an empty name', { name: '' }, /name/],
    ['a bad material id', { materialId: 'm 1' }, /materialId/],
    ['a pdf without its hash', { pdf: { bytes: 10 } }, /pdf/],
  ])('refuses %s, naming the field', (_name, patch, pattern) => {
    const r = check({ ...valid, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(pattern);
  });

  it('takes 50 pages of PNG and JPEG and a PDF', () => {
    const pages = Array.from({ length: 50 }, (_, i) => ({ ...page(i % 2 ? 'a' : 'b'), mime: i % 2 ? ('image/png' as const) : ('image/jpeg' as const) }));
    expect(check({ ...valid, pages, pdf: { sha256: hash('f'), bytes: 1234 } }).ok).toBe(true);
  });

  it("the hall's policy keeps captured images 0 days by default and at most 30", () => {
    expect(PolicySchema.parse({}).materialsRetentionDays).toBe(0);
    expect(PolicySchema.safeParse({ materialsRetentionDays: 30 }).success).toBe(true);
    expect(PolicySchema.safeParse({ materialsRetentionDays: 31 }).success).toBe(false);
    expect(PolicySchema.safeParse({ materialsRetentionDays: -1 }).success).toBe(false);
    expect(PolicySchema.safeParse({ materialsRetentionDays: 1.5 }).success).toBe(false);
  });
});
