import { describe, expect, it } from 'vitest';
import { HealthResponseSchema, OFFLINE_AFTER_MS, offlineTerminals, terminalCondition, type HealthResponse, type TerminalHealth } from '../../renderer/admin/live/health';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { MINUTE, makeHall } from '../support/hall';
import { DAY, serve } from '../support/flow';

describe('the live view (R17)', () => {
  it('counts who waits per service and for how long, and today\'s totals', () => {
    const h = makeHall();
    const kiosk = h.terminal('kiosk-1');
    h.issue(kiosk, { serviceId: 'hukou' });
    h.advance(4 * MINUTE);
    h.issue(kiosk, { serviceId: 'hukou' });
    h.issue(kiosk, { serviceId: 'social' });
    const m = liveModel(h.fold.state, h.now());
    const hukou = m.services.find((s) => s.serviceId === 'hukou')!;
    expect(hukou).toMatchObject({ waiting: 2, longestWaitMs: 4 * MINUTE, overLimit: 0 });
    expect(m.totals).toMatchObject({ issued: 3, waiting: 3, served: 0 });
    expect(m.alerts).toEqual([]);
  });

  it('a citizen waiting longer than the policy allows is an alert naming the service', () => {
    const h = makeHall();
    h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou' });
    h.advance(31 * MINUTE);
    const m = liveModel(h.fold.state, h.now());
    expect(m.alerts.map((a) => a.key)).toEqual(['long-wait:hukou']);
    expect(m.alerts[0]!.text.zh).toContain('户籍办理：1 人等候超过 30 分钟');
  });

  it('a service with its own wait threshold alerts at that threshold, not the hall\'s', () => {
    const h = makeHall();
    const service = h.fold.state.config.services.get('social')!;
    h.emit(h.admin, 'config.changed', { kind: 'service', id: 'social', value: { ...service, alertWaitMinutes: 10 } });
    expect(h.fold.state.notes).toEqual([]);
    expect(h.fold.state.config.services.get('social')!.alertWaitMinutes).toBe(10);
    h.issue(h.terminal('kiosk-1'), { serviceId: 'social' });
    h.issue(h.terminal('kiosk-1'), { serviceId: 'hukou' });
    h.advance(11 * MINUTE);
    const m = liveModel(h.fold.state, h.now());
    expect(m.alerts.map((a) => a.key)).toEqual(['long-wait:social']);
    expect(m.alerts[0]!.text.en).toContain('1 waiting over 10 min');
  });

  it('R10: a window paused past the limit is an alert, with its reason; its clerk is named', () => {
    const h = makeHall();
    const counter = h.terminal('counter-1');
    h.open(counter, 'w1', 's1');
    h.emit(counter, 'window.paused', { windowId: 'w1', reason: '午休' });
    h.advance(16 * MINUTE);
    const m = liveModel(h.fold.state, h.now());
    const w1 = m.windows.find((w) => w.windowId === 'w1')!;
    expect(w1).toMatchObject({ state: 'paused', pauseReason: '午休', staffName: '王芳', forMs: 16 * MINUTE });
    expect(m.alerts.map((a) => a.key)).toEqual(['long-pause:w1']);
    expect(m.alerts[0]!.text.zh).toContain('午休');
  });

  it('a device fault is a critical alert until the device recovers', () => {
    const h = makeHall();
    const kiosk = h.terminal('kiosk-1');
    h.emit(kiosk, 'device.fault', { device: 'printer', code: 'paper-out', message: '缺纸' });
    expect(liveModel(h.fold.state, h.now()).alerts).toMatchObject([{ key: 'device-fault:kiosk-1/printer', severity: 'critical' }]);
    h.emit(kiosk, 'device.recovered', { device: 'printer' });
    expect(liveModel(h.fold.state, h.now()).alerts).toEqual([]);
  });
});

describe('overdue rectification (R8, R18)', () => {
  /** Two tickets served at window 1: one rated 1 (a bad rating), one finished "not done". */
  function hall() {
    const h = makeHall();
    const kiosk = h.terminal('kiosk-1');
    const counter = h.terminal('counter-1');
    const evaluator = h.terminal('evaluator-1');
    h.open(counter, 'w1', 's1');
    const rated = h.issue(kiosk, { serviceId: 'hukou' });
    serve(h, counter, rated, 'w1', 5);
    h.emit(evaluator, 'evaluation.recorded', { ticketId: rated, windowId: 'w1', level: 1, reasons: ['attitude'], source: 'pad' });
    const failed = h.issue(kiosk, { serviceId: 'hukou' });
    serve(h, counter, failed, 'w1', 5, 'not-done');
    const badId = [...h.fold.state.rectifications.values()].find((i) => i.kind === 'bad-rating')!.id;
    return { h, kiosk, counter, evaluator, badId, ledgerId: `notdone:${failed}` };
  }

  it('R8: bad ratings past their 7 days are one warning with their number, linking to the rectification tab; none before', () => {
    const { h, badId } = hall();
    const due = h.fold.state.rectifications.get(badId)!.dueAt!;
    expect(liveModel(h.fold.state, due).alerts).toEqual([]);
    const m = liveModel(h.fold.state, due + 1);
    expect(m.alerts).toEqual([
      { kind: 'rectify-overdue', key: 'rectify-overdue:bad-rating', severity: 'warning', text: { zh: '1 条差评整改已逾期（超过 7 日）', en: '1 bad-rating item overdue (past 7 days)' }, href: '#rectify' },
    ]);
  });

  it('R18: ledger items past their deadline are a warning of their own; closing an item clears its alert', () => {
    const { h, badId, ledgerId } = hall();
    const admin = h.terminal('supervisor-1');
    h.emit(admin, 'rectification.recorded', { itemId: ledgerId, action: 'ledger', note: '', problem: '需原籍证明', cause: '系统未打通', deadline: '2026-11-24' });
    const later = h.now() + 9 * DAY;
    const m = liveModel(h.fold.state, later);
    expect(m.alerts.map((a) => [a.key, a.severity, a.href])).toEqual([
      ['rectify-overdue:bad-rating', 'warning', '#rectify'],
      ['rectify-overdue:not-done', 'warning', '#ledger'],
    ]);
    expect(m.alerts[1]!.text).toEqual({ zh: '1 条“办不成事”台账事项已超过办理期限', en: '1 not-done ledger item past its deadline' });
    h.emit(admin, 'rectification.recorded', { itemId: badId, action: 'verified', note: '已核实' });
    h.emit(admin, 'rectification.recorded', { itemId: badId, action: 'closed', note: '已解释', closedWith: 'explanation' });
    expect(liveModel(h.fold.state, later).alerts.map((a) => a.key)).toEqual(['rectify-overdue:not-done']);
  });

  it('the overdue warnings come after critical alerts and count every overdue item', () => {
    const { h, kiosk, counter, evaluator } = hall();
    const again = h.issue(kiosk, { serviceId: 'hukou' });
    serve(h, counter, again, 'w1', 5);
    h.emit(evaluator, 'evaluation.recorded', { ticketId: again, windowId: 'w1', level: 2, reasons: [], source: 'pad' });
    h.emit(kiosk, 'device.fault', { device: 'printer', code: 'paper-out', message: '缺纸' });
    const m = liveModel(h.fold.state, h.now() + 8 * DAY);
    expect(m.alerts.map((a) => a.key)).toEqual(['device-fault:kiosk-1/printer', 'rectify-overdue:bad-rating']);
    expect(m.alerts[1]!.text.en).toBe('2 bad-rating items overdue (past 7 days)');
  });
});

describe('terminal health', () => {
  const now = 1_800_000_000_000;
  const t = (id: string, extra: Partial<TerminalHealth>): TerminalHealth => ({ id, role: 'kiosk', windowId: null, lastSeenAt: now, enrolled: true, live: false, revoked: false, liveTokenInUrlAt: null, ...extra });

  it('a terminal that still opens its live socket with the token in the URL (an old app) is flagged; a server that does not say so flags none', () => {
    const row = { id: 'display-1', role: 'display', windowId: null, lastSeenAt: now, enrolled: true, live: true, revoked: false };
    expect(HealthResponseSchema.parse({ now, terminals: [{ ...row, liveTokenInUrlAt: now }] }).terminals[0]!.liveTokenInUrlAt).toBe(now);
    expect(HealthResponseSchema.parse({ now, terminals: [row] }).terminals[0]!.liveTokenInUrlAt).toBeNull();
  });

  it('a terminal with a live socket is up however long ago it was seen; without one, silence over two minutes is offline', () => {
    expect(terminalCondition(t('a', { live: true, lastSeenAt: now - 10 * MINUTE }), now)).toBe('live');
    expect(terminalCondition(t('b', { lastSeenAt: now - OFFLINE_AFTER_MS }), now)).toBe('online');
    expect(terminalCondition(t('c', { lastSeenAt: now - OFFLINE_AFTER_MS - 1 }), now)).toBe('offline');
    expect(terminalCondition(t('d', { lastSeenAt: null }), now)).toBe('never-seen');
    expect(terminalCondition(t('e', { enrolled: false, lastSeenAt: null }), now)).toBe('not-enrolled');
    expect(terminalCondition(t('f', { revoked: true }), now)).toBe('revoked');
  });

  it('alerts for enrolled hall terminals that are down, not for admin consoles, revoked or never-enrolled ones', () => {
    const h: HealthResponse = {
      now,
      terminals: [
        t('kiosk-1', { lastSeenAt: now - 5 * MINUTE }),
        t('kiosk-2', { lastSeenAt: null }),
        t('admin', { role: 'admin', lastSeenAt: now - 60 * MINUTE }),
        t('kiosk-3', { revoked: true, lastSeenAt: null }),
        t('kiosk-4', { enrolled: false, lastSeenAt: null }),
        t('display-1', { live: true }),
      ],
    };
    expect(offlineTerminals(h).map((x) => x.id)).toEqual(['kiosk-1', 'kiosk-2']);
    const m = liveModel(makeHall().fold.state, now, h);
    expect(m.alerts.map((a) => a.key)).toEqual(['terminal-offline:kiosk-1', 'terminal-offline:kiosk-2']);
    expect(m.alerts[0]!.text.zh).toBe('终端 kiosk-1 离线（已 5 分钟未连接）');
  });
});
