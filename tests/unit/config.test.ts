import { describe, it, expect } from 'vitest';
import { estimateNewTicket } from '../../shared/estimate';
import type { HallEvent } from '../../shared/events';
import { canonicalState, foldEvents, HallFold, type HallState } from '../../shared/fold';
import { waitingForWindow } from '../../shared/queue';
import { HALL, makeHall, type TestHall, type TestTerminal } from '../support/hall';
import { SECOND, stepped } from '../support/flow';

const hukou = (extra: object = {}) => ({
  id: 'hukou',
  prefix: 'A',
  name: { zh: '户籍办理', en: 'Household registration' },
  ...extra,
});

const notes = (s: HallState, code: string) => s.notes.filter((n) => n.code === code);

describe('configuration changes', () => {
  it('a config.changed with an invalid value is ignored with a config-invalid note naming the field; the previous value stays', () => {
    const h = stepped(makeHall());
    const before = h.fold.state.config.services.get('hukou');
    h.emit(h.admin, 'config.changed', {
      kind: 'service',
      id: 'hukou',
      value: hukou({ prefix: 'a1', name: { zh: '户籍', en: 'Hukou' } }),
    });
    const s = h.fold.state;
    const [note] = notes(s, 'config-invalid');
    expect(notes(s, 'config-invalid')).toHaveLength(1);
    expect(note?.detail).toContain('service/hukou');
    expect(note?.detail).toContain('prefix');
    expect(s.config.services.get('hukou')).toEqual(before);
    expect(s.config.services.get('hukou')).toMatchObject({ prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });

    // Tickets keep their numbers, and a later valid edit still applies.
    const id = h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou' });
    expect(h.fold.state.tickets.get(id)?.number).toBe('A001');
    h.emit(h.admin, 'config.changed', { kind: 'service', id: 'hukou', value: hukou({ defaultServiceMinutes: 12 }) });
    expect(h.fold.state.config.services.get('hukou')?.defaultServiceMinutes).toBe(12);
  });

  it('an invalid window (no services) or schedule (misspelt key) is ignored with a note naming the field', () => {
    const h = stepped(makeHall());
    h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w2', value: { id: 'w2', label: '2', services: [] } });
    h.emit(h.admin, 'config.changed', { kind: 'schedule', id: 'hall', value: { holiday: ['2026-11-23'] } });
    const s = h.fold.state;
    const details = notes(s, 'config-invalid').map((n) => n.detail);
    expect(details).toHaveLength(2);
    expect(details[0]).toMatch(/window\/w2: services/);
    expect(details[1]).toContain('holiday');
    expect(s.config.windows.get('w2')?.services).toEqual([{ serviceId: 'social', weight: 1 }]);
    expect(s.config.schedule.holidays).toEqual([]);
  });

  describe('last writer wins by hlc', () => {
    /** Two admins edit hukou; returns the demo log and the two edits (first, second in time). */
    function twoEdits(firstBy: 'admin-1' | 'admin-2', gap = SECOND) {
      const h = makeHall();
      const admins: Record<string, TestTerminal> = { 'admin-1': h.admin, 'admin-2': h.terminal('admin-2') };
      const other = firstBy === 'admin-1' ? 'admin-2' : 'admin-1';
      h.advance(SECOND);
      const first = admins[firstBy]!.emit('config.changed', {
        kind: 'service',
        id: 'hukou',
        value: hukou({ perPersonDailyLimit: 1, name: { zh: '户籍（一）', en: 'Hukou (1)' } }),
      });
      h.advance(gap);
      const second = admins[other]!.emit('config.changed', {
        kind: 'service',
        id: 'hukou',
        value: hukou({ defaultServiceMinutes: 12, name: { zh: '户籍（二）', en: 'Hukou (2)' } }),
      });
      return { base: [...h.fold.log], first, second };
    }

    function bothOrders(base: HallEvent[], a: HallEvent, b: HallEvent): [HallState, HallState] {
      return [foldEvents(HALL, [...base, a, b]), foldEvents(HALL, [...base, b, a])];
    }

    it('when two admins edit the same service, the later edit wins, whichever order it is folded in', () => {
      for (const firstBy of ['admin-1', 'admin-2'] as const) {
        const { base, first, second } = twoEdits(firstBy);
        const [ab, ba] = bothOrders(base, first, second);
        expect(canonicalState(ab)).toBe(canonicalState(ba));
        const svc = ab.config.services.get('hukou');
        // The whole value is replaced: nothing of the earlier edit survives.
        expect(svc?.name.en).toBe('Hukou (2)');
        expect(svc?.defaultServiceMinutes).toBe(12);
        expect(svc?.perPersonDailyLimit).toBeUndefined();
      }
    });

    it('a replica that receives the later edit first ends in the same state as one that received them in order', () => {
      const { base, first, second } = twoEdits('admin-1');
      const inOrder = new HallFold(HALL);
      inOrder.addMany(base);
      inOrder.add(first);
      inOrder.add(second);
      const late = new HallFold(HALL);
      late.addMany(base);
      late.add(second);
      expect(late.state.config.services.get('hukou')?.name.en).toBe('Hukou (2)');
      expect(late.add(first)).toBe('rebuilt');
      expect(late.state.config.services.get('hukou')?.name.en).toBe('Hukou (2)');
      expect(canonicalState(late.state)).toBe(canonicalState(inOrder.state));
    });

    it('two edits at the same instant are ordered the same way on every replica', () => {
      const { base, first, second } = twoEdits('admin-1', 0);
      expect(first.hlc).toBe(second.hlc);
      const [ab, ba] = bothOrders(base, first, second);
      expect(canonicalState(ab)).toBe(canonicalState(ba));
      // Ties on the clock go by origin: admin-2 sorts after admin-1.
      expect(ab.config.services.get('hukou')?.name.en).toBe('Hukou (2)');
    });
  });

  describe('removing configuration', () => {
    function hallWithSocialWaiting(): { h: TestHall; counter: TestTerminal } {
      const h = stepped(makeHall());
      const kiosk = h.terminal('kiosk-1');
      const counter = h.terminal('counter-2');
      h.issue(kiosk, { serviceId: 'social' });
      h.issue(kiosk, { serviceId: 'social' });
      h.open(counter, 'w2', 's2');
      return { h, counter };
    }

    it('a window is removed with value null: it no longer serves or counts in the estimate', () => {
      const { h } = hallWithSocialWaiting();
      expect(waitingForWindow(h.fold.state, 'w2', h.now())).toHaveLength(2);
      expect(estimateNewTicket(h.fold.state, 'social', 'normal', h.now()).windows).toBe(1);

      h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w2', value: null });
      const s = h.fold.state;
      expect(s.config.windows.has('w2')).toBe(false);
      expect([...s.config.windows.keys()].sort()).toEqual(['w1', 'w3', 'w4', 'w5']);
      expect(waitingForWindow(s, 'w2', h.now())).toEqual([]);
      expect(estimateNewTicket(s, 'social', 'normal', h.now()).windows).toBe(0);
      expect(notes(s, 'config-invalid')).toEqual([]);
    });

    it('a removed window can be configured again', () => {
      const { h } = hallWithSocialWaiting();
      h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w2', value: null });
      h.emit(h.admin, 'config.changed', { kind: 'window', id: 'w2', value: { id: 'w2', label: '2', services: [{ serviceId: 'social' }] } });
      expect(h.fold.state.config.windows.get('w2')).toMatchObject({ id: 'w2', mode: 'fifo', services: [{ serviceId: 'social', weight: 1 }] });
      expect(waitingForWindow(h.fold.state, 'w2', h.now())).toHaveLength(2);
    });

    it('a removal and an edit of the same window: the later one wins in both fold orders', () => {
      const h = makeHall();
      const admin2 = h.terminal('admin-2');
      h.advance(SECOND);
      const edit = h.admin.emit('config.changed', { kind: 'window', id: 'w2', value: { id: 'w2', label: '2B', services: [{ serviceId: 'social' }] } });
      h.advance(SECOND);
      const removal = admin2.emit('config.changed', { kind: 'window', id: 'w2', value: null });
      const base = [...h.fold.log];
      const ab = foldEvents(HALL, [...base, edit, removal]);
      const ba = foldEvents(HALL, [...base, removal, edit]);
      expect(ab.config.windows.has('w2')).toBe(false);
      expect(canonicalState(ab)).toBe(canonicalState(ba));
    });

    it('the schedule and policy cannot be removed, only replaced', () => {
      const h = stepped(makeHall());
      const before = h.fold.state.config.schedule;
      h.emit(h.admin, 'config.changed', { kind: 'schedule', id: 'hall', value: null });
      expect(notes(h.fold.state, 'config-not-removable')).toHaveLength(1);
      expect(h.fold.state.config.schedule).toEqual(before);
    });
  });
});

describe('configuration keys', () => {
  it('a value whose id disagrees with its key is refused, so one service never has two keys', () => {
    const h = makeHall();
    h.emit(h.admin, 'config.changed', { kind: 'service', id: 'hukou', value: { id: 'other', prefix: 'X', name: { zh: '其他', en: 'Other' } } });
    expect(h.fold.state.config.services.get('hukou')?.prefix).toBe('A');
    expect(h.fold.state.notes.at(-1)).toMatchObject({ code: 'config-id-mismatch' });
  });

  it('an unknown schedule key is named in the note', () => {
    const h = makeHall();
    h.emit(h.admin, 'config.changed', { kind: 'schedule', id: 'hall', value: { holiday: ['2026-12-01'] } });
    expect(h.fold.state.notes.at(-1)?.detail).toMatch(/holiday/);
  });
});
