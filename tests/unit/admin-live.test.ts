import { describe, expect, it } from 'vitest';
import { OFFLINE_AFTER_MS, offlineTerminals, terminalCondition, type HealthResponse, type TerminalHealth } from '../../renderer/admin/live/health';
import { liveModel } from '../../renderer/admin/live/liveModel';
import { MINUTE, makeHall } from '../support/hall';

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

describe('terminal health', () => {
  const now = 1_800_000_000_000;
  const t = (id: string, extra: Partial<TerminalHealth>): TerminalHealth => ({ id, role: 'kiosk', windowId: null, lastSeenAt: now, enrolled: true, live: false, revoked: false, ...extra });

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
