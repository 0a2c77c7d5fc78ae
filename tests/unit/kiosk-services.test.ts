/** What the kiosk shows before a tap: availability on the tiles (R5), windows, bookings (R6), QR tokens. */
import { describe, expect, it } from 'vitest';
import { appointmentByCode, appointmentsForCard, codeFromScan } from '../../renderer/kiosk/appointments';
import { categories, serviceTiles, tileBadge, windowHintLine, windowLabels, windowsText } from '../../renderer/kiosk/services';
import { progressToken } from '../../renderer/kiosk/token';
import { ServiceSchema } from '../../shared/config/schemas';
import { makeHall } from '../support/hall';
import { card, sh } from '../support/flow';

const MON = '2026-11-23';
const TZ = 'Asia/Shanghai';

describe('service tiles', () => {
  it('R5: at 08:45 on a workday a walk-in sees 仅限预约 with when walk-ins start', () => {
    const h = makeHall(sh(MON, '08:45'));
    const hukou = serviceTiles(h.fold.state, h.now()).find((t) => t.service.id === 'hukou')!;
    expect(hukou.status).toBe('appointment-only');
    const badge = tileBadge(hukou, TZ)!;
    expect(badge.label.zh).toBe('仅限预约');
    expect(badge.back).toEqual({ zh: '09:00 起可取号', en: 'From 09:00' });
  });

  it('R5: in opening hours the tile has no sign and counts who is waiting', () => {
    const h = makeHall(sh(MON, '10:00'));
    const kiosk = h.terminal('kiosk-1');
    h.issue(kiosk, { serviceId: 'hukou' });
    h.issue(kiosk, { serviceId: 'hukou' });
    const hukou = serviceTiles(h.fold.state, h.now()).find((t) => t.service.id === 'hukou')!;
    expect(hukou.status).toBe('open');
    expect(tileBadge(hukou, TZ)).toBeUndefined();
    expect(hukou.waiting).toBe(2);
  });

  it('R5: after the cut-off the tile says no more tickets today, and when to come back', () => {
    const h = makeHall(sh(MON, '16:45'));
    const tile = serviceTiles(h.fold.state, h.now()).find((t) => t.service.id === 'social')!;
    expect(tile.status).toBe('cut-off');
    const badge = tileBadge(tile, TZ)!;
    expect(badge.label.zh).toBe('今日已停止取号');
    // Tomorrow's first walk-in time, with the date.
    expect(badge.back?.zh).toMatch(/^11月24日 \d\d:\d\d 起可取号$/);
  });

  it('closed at night: 暂停取号', () => {
    const h = makeHall(sh(MON, '21:00'));
    const tile = serviceTiles(h.fold.state, h.now()).find((t) => t.service.id === 'social')!;
    expect(tile.status).toBe('closed');
    expect(tileBadge(tile, TZ)!.label.zh).toBe('暂停取号');
  });

  it('category tabs keep the order of their first service, named by categoryName', () => {
    const s = (id: string, category: string, zh: string) => ServiceSchema.parse({ id, prefix: 'A', name: { zh: id, en: id }, category, categoryName: { zh, en: category } });
    const tabs = categories([s('a', 'police', '公安'), s('b', 'social', '人社'), s('c', 'police', '公安')]);
    expect(tabs).toEqual([
      { id: 'police', name: { zh: '公安', en: 'police' } },
      { id: 'social', name: { zh: '人社', en: 'social' } },
    ]);
  });
});

describe('window hints', () => {
  it('the windows serving a service, for the screen and for the printed line', () => {
    const h = makeHall();
    const labels = windowLabels(h.fold.state, 'hukou');
    expect(labels).toEqual(['1', '4', '5']);
    expect(windowsText(labels)).toEqual({ zh: '1、4、5号窗口', en: 'Windows 1, 4, 5' });
    expect(windowsText(['3'])?.en).toBe('Window 3');
    expect(windowHintLine(labels)).toBe('1、4、5号窗口 / Window 1,4,5');
  });

  it('the printed line fits the ticket (60 characters), however many windows', () => {
    const many = Array.from({ length: 40 }, (_, i) => `A${i + 1}`);
    const line = windowHintLine(many)!;
    expect(line.length).toBeLessThanOrEqual(60);
    expect(line).toContain('…');
    expect(windowHintLine([])).toBeUndefined();
  });
});

describe('appointment check-in (R6)', () => {
  it('the code in a scan: the plain code, a code= link, or a link ending in the code', () => {
    expect(codeFromScan(' AB12CD34 \r')).toBe('AB12CD34');
    expect(codeFromScan('https://book.example.gov.cn/a?code=XY98ZZ11')).toBe('XY98ZZ11');
    expect(codeFromScan('https://book.example.gov.cn/checkin/QQ77WW88')).toBe('QQ77WW88');
    expect(codeFromScan('not a code!')).toBeUndefined();
  });

  function hallWithBookings() {
    const h = makeHall(sh(MON, '10:00'));
    const desk = h.terminal('booking');
    const me = card('1980-01-01');
    const book = (id: string, code: string, from: string, person?: typeof me, day = MON) =>
      h.emit(desk, 'appointment.booked', { appointmentId: id, serviceId: 'hukou', day, slotFrom: sh(day, from), slotTo: sh(day, from) + 30 * 60_000, channel: 'online', code, ...(person ? { person: { idHash: person.idHash, idMasked: person.idMasked, nameMasked: person.nameMasked } } : {}) });
    book('a1', 'CODE0001', '11:00', me);
    book('a2', 'CODE0002', '10:00', me);
    book('a3', 'CODE0003', '10:00', me, '2026-11-24');
    book('a4', 'CODE0004', '10:30');
    h.emit(h.admin, 'appointment.cancelled', { appointmentId: 'a4' });
    return { h, me };
  }

  it('a scanned code finds its booking, whatever the letter case', () => {
    const { h } = hallWithBookings();
    expect(appointmentByCode(h.fold.state, 'CODE0001')?.id).toBe('a1');
    expect(appointmentByCode(h.fold.state, 'code0002')?.id).toBe('a2');
    // A cancelled booking is still found: the issue decision says why it cannot be used.
    expect(appointmentByCode(h.fold.state, 'CODE0004')?.status).toBe('cancelled');
    expect(appointmentByCode(h.fold.state, 'NOPE0000')).toBeUndefined();
  });

  it("an ID card finds its holder's bookings of today, earliest first", () => {
    const { h, me } = hallWithBookings();
    expect(appointmentsForCard(h.fold.state, me.idHash, MON).map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(appointmentsForCard(h.fold.state, card('1970-02-02').idHash, MON)).toEqual([]);
  });
});

describe('progress token', () => {
  it('22 URL-safe characters from 16 random bytes', () => {
    const t = progressToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(progressToken()).not.toBe(t);
    expect(progressToken((b) => b.fill(255))).toBe('_____________________w');
  });
});
