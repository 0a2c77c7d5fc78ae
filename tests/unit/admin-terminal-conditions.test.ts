import { describe, expect, it } from 'vitest';
import { CONDITION_TEXT, OFFLINE_AFTER_MS, SERVER_ADMIN_ID, offlineTerminals, terminalCondition, type TerminalHealth } from '../../renderer/admin/live/health';

const now = 1_800_000_000_000;
const HOUR = 3_600_000;
const t = (id: string, extra: Partial<TerminalHealth>): TerminalHealth => ({ id, role: 'kiosk', windowId: null, lastSeenAt: now, enrolled: true, live: false, revoked: false, liveTokenInUrlAt: null, ...extra });

describe('admin terminals are shown as what they are, never as a phantom offline terminal (issue 17)', () => {
  it("the server's own admin token row is not a terminal, however long ago it was used", () => {
    const row = t(SERVER_ADMIN_ID, { role: 'admin', lastSeenAt: now - 810 * HOUR });
    expect(terminalCondition(row, now, 'admin-1')).toBe('server-token');
    expect(CONDITION_TEXT['server-token'].en).toMatch(/not a terminal/);
    expect(offlineTerminals({ now, terminals: [row] })).toEqual([]);
  });

  it('the admin screen asking is "this screen", even before its live socket is up', () => {
    expect(terminalCondition(t('admin-1', { role: 'admin', lastSeenAt: null }), now, 'admin-1')).toBe('this-screen');
  });

  it('another admin console that is not open is "not open" (neutral), not offline; one seen lately is online', () => {
    expect(terminalCondition(t('admin-2', { role: 'admin', lastSeenAt: now - OFFLINE_AFTER_MS - 1 }), now, 'admin-1')).toBe('console-closed');
    expect(terminalCondition(t('admin-2', { role: 'admin', lastSeenAt: null }), now, 'admin-1')).toBe('console-closed');
    expect(terminalCondition(t('admin-2', { role: 'admin', lastSeenAt: now - 1000 }), now, 'admin-1')).toBe('online');
    expect(terminalCondition(t('admin-2', { role: 'admin', live: true }), now, 'admin-1')).toBe('live');
  });

  it('hall devices keep their conditions: a silent kiosk is still offline', () => {
    expect(terminalCondition(t('kiosk-1', { lastSeenAt: now - OFFLINE_AFTER_MS - 1 }), now, 'admin-1')).toBe('offline');
    expect(terminalCondition(t('kiosk-2', { revoked: true }), now, 'admin-1')).toBe('revoked');
  });
});
