import { describe, expect, it } from 'vitest';
import type { Window } from '../../shared/config/schemas';
import type { TicketRow, WindowRow } from '../../renderer/display/rows';
import { CallMemory, FRESH_MS, activeCalls, activeNotices, boardWindows, callText, soundRequested, speechText, waitingCounts } from '../../renderer/display/board';

const T0 = 1_800_000_000_000;
const ticket = (id: string, number: string, status: string, extra: Partial<TicketRow> = {}): TicketRow => ({
  id,
  number,
  serviceId: 'hukou',
  day: '2027-01-15',
  status,
  priority: 'normal',
  issuedAt: T0,
  queuedAt: T0,
  recalls: 0,
  rated: false,
  ...extra,
});
const win = (id: string, label: string, state = 'open', extra: Partial<WindowRow> = {}): WindowRow => ({ id, label, state, ...extra });
const cfg = (id: string, label: string, name?: { zh: string; en: string }): Window => ({ id, label, services: [{ serviceId: 'hukou', weight: 1 }], mode: 'fifo', priorityFirst: false, priorityServices: 'all', ...(name ? { name } : {}) });

describe('the board: calls', () => {
  const windows = [win('w1', '1'), win('w3', '3')];

  it('lists the tickets being called or served, newest call first, with their window number', () => {
    const calls = activeCalls(
      [
        ticket('t1', 'A001', 'serving', { windowId: 'w1', calledAt: T0 + 1_000 }),
        ticket('t2', 'A002', 'called', { windowId: 'w3', calledAt: T0 + 5_000 }),
        ticket('t3', 'A003', 'waiting'),
        ticket('t4', 'A004', 'finished', { windowId: 'w1', calledAt: T0 }),
      ],
      windows,
    );
    expect(calls.map((c) => [c.number, c.windowLabel])).toEqual([
      ['A002', '3'],
      ['A001', '1'],
    ]);
  });

  it('what is on the board when it starts is not announced; a call that arrives later is the latest and fresh', () => {
    const m = new CallMemory();
    const first = activeCalls([ticket('t1', 'A001', 'called', { windowId: 'w1', calledAt: T0 })], windows);
    m.observe(first, T0 + 10);
    expect(m.isFresh(first[0]!, T0 + 10)).toBe(false);

    const second = activeCalls([ticket('t1', 'A001', 'called', { windowId: 'w1', calledAt: T0 }), ticket('t2', 'A002', 'called', { windowId: 'w3', calledAt: T0 + 2_000 })], windows);
    m.observe(second, T0 + 2_050);
    const ordered = m.order(second);
    expect(ordered[0]!.number).toBe('A002');
    expect(m.isFresh(ordered[0]!, T0 + 2_050)).toBe(true);
    expect(m.isFresh(ordered[0]!, T0 + 2_050 + FRESH_MS)).toBe(false);
  });

  it('a recall is a new announcement: the recalled ticket becomes the latest call again', () => {
    const m = new CallMemory();
    const rows = [ticket('t1', 'A001', 'called', { windowId: 'w1', calledAt: T0 }), ticket('t2', 'A002', 'called', { windowId: 'w3', calledAt: T0 + 2_000 })];
    m.observe(activeCalls(rows, windows), T0 + 3_000);
    rows[0] = { ...rows[0]!, recalls: 1 };
    const calls = activeCalls(rows, windows);
    m.observe(calls, T0 + 60_000);
    const latest = m.order(calls)[0]!;
    expect(latest.number).toBe('A001');
    expect(m.isFresh(latest, T0 + 60_100)).toBe(true);
  });

  it('observing the same calls twice (a render that runs twice) changes nothing', () => {
    const m = new CallMemory();
    m.observe([], T0);
    const calls = activeCalls([ticket('t1', 'A001', 'called', { windowId: 'w1', calledAt: T0 })], windows);
    m.observe(calls, T0 + 100);
    m.observe(calls, T0 + 5_000);
    expect(m.seenAt(calls[0]!)).toBe(T0 + 100);
  });

  it('says the call in both languages, and the voice reads it the way the hall speaks', () => {
    expect(callText('A012', '3')).toEqual({ zh: '请 A012 到 3 号窗口', en: 'Ticket A012 please go to window 3' });
    expect(speechText('A012', '3').zh).toBe('请A012号到3号窗口');
  });

  it('R2: sound is off unless the page address asks for it', () => {
    expect(soundRequested('http://h/display/?terminal=display-1')).toBe(false);
    expect(soundRequested('http://h/display/?terminal=display-1&sound=1')).toBe(true);
  });
});

describe('the board: windows, waiting, notices', () => {
  it('R10: windows in label order; a paused window shows no number; removed windows are gone', () => {
    const tiles = boardWindows(
      [win('w10', '10', 'open', { currentNumber: 'A009' }), win('w2', '2', 'paused', { currentNumber: 'B001', pauseReason: '午休' }), win('w1', '1', 'closed'), win('old', '9')],
      new Map([
        ['w1', cfg('w1', '1')],
        ['w2', cfg('w2', '2', { zh: '爱心窗口', en: 'Priority window' })],
        ['w10', cfg('w10', '10')],
      ]),
    );
    expect(tiles.map((t) => [t.label, t.state, t.currentNumber])).toEqual([
      ['1', 'closed', undefined],
      ['2', 'paused', undefined],
      ['10', 'open', 'A009'],
    ]);
    expect(tiles[1]!.name?.zh).toBe('爱心窗口');
  });

  it('counts waiting tickets per configured service, zero included', () => {
    const counts = waitingCounts(
      [ticket('t1', 'A001', 'waiting'), ticket('t2', 'A002', 'waiting'), ticket('t3', 'B001', 'waiting', { serviceId: 'social' }), ticket('t4', 'A003', 'called')],
      [
        { id: 'hukou', name: { zh: '户籍', en: 'Hukou' } },
        { id: 'social', name: { zh: '社保', en: 'Social' } },
        { id: 'estate', name: { zh: '不动产', en: 'Estate' } },
      ] as never,
    );
    expect(counts.map((c) => [c.serviceId, c.count])).toEqual([
      ['hukou', 2],
      ['social', 1],
      ['estate', 0],
    ]);
  });

  it('shows notices only inside their from/to window', () => {
    const text = { zh: '通知', en: 'Notice' };
    const ids = activeNotices(
      [
        { id: 'always', text },
        { id: 'later', text, from: T0 + 1 },
        { id: 'over', text, to: T0 },
        { id: 'now', text, from: T0 - 1, to: T0 + 1 },
      ],
      T0,
    ).map((n) => n.id);
    expect(ids).toEqual(['always', 'now']);
  });
});
