/**
 * Issue 17: 过号 (no-show) only after the hall policy's grace from the call, longer for priority
 * tickets (seniors and other R7 groups, the green channel); the counter says how long is left.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../shared/config/schemas';
import { checkNoShow, noShowGraceMs } from '../../shared/queue/noShow';
import { noShowTooEarly, skipLabel } from '../../renderer/counter/noShow';
import { makeHall } from '../support/hall';
import { card, SECOND, stepped } from '../support/flow';

describe('no-show after the grace (issue 17)', () => {
  it('the hall policy sets the grace: 120 s by default, 180 s for priority tickets, validated', () => {
    const p = PolicySchema.parse({});
    expect(p.noShowGraceSeconds).toBe(120);
    expect(p.noShowGracePrioritySeconds).toBe(180);
    expect(PolicySchema.safeParse({ noShowGraceSeconds: -1 }).success).toBe(false);
    expect(PolicySchema.safeParse({ noShowGraceSeconds: 1.5 }).success).toBe(false);
    expect(PolicySchema.safeParse({ noShowGracePrioritySeconds: 3600 }).success).toBe(false);
    expect(noShowGraceMs(p, { priority: 'normal' })).toBe(120_000);
    expect(noShowGraceMs(p, { priority: 'special' })).toBe(180_000);
    expect(noShowGraceMs(p, { priority: 'green' })).toBe(180_000);
    // A priority grace set shorter than the normal one never shortens it.
    expect(noShowGraceMs({ noShowGraceSeconds: 90, noShowGracePrioritySeconds: 30 }, { priority: 'special' })).toBe(90_000);
  });

  it('an elderly-priority ticket cannot be marked a no-show right after the call; the counter says how long is left', () => {
    const h = stepped(makeHall());
    const kiosk = h.terminal('kiosk-1');
    const counter = h.terminal('counter-1');
    h.open(counter, 'w1');
    const id = h.issue(kiosk, { serviceId: 'hukou', card: card('1945-03-01', '张老') });
    h.emit(counter, 'ticket.called', { ticketId: id, windowId: 'w1' });
    const policy = h.fold.state.config.policy;
    const t = () => h.fold.state.tickets.get(id)!;
    expect(t()).toMatchObject({ priority: 'special', priorityReason: 'elderly' });

    const early = checkNoShow(policy, t(), t().calledAt!);
    expect(early).toMatchObject({ ok: false, reason: 'too-early', remainingMs: 180_000 });
    expect(noShowTooEarly('A001', 180_000).zh).toBe('A001 刚刚呼叫，还需等候 3:00 才能过号。可先重呼（F2）。');
    expect(skipLabel(65_500)).toEqual({ zh: '过号 1:06', en: 'No-show in 1:06' });

    // A normal ticket's grace (120 s) is not enough for a senior.
    h.advance(120 * SECOND);
    expect(checkNoShow(policy, t(), h.now()).ok).toBe(false);
    h.advance(60 * SECOND);
    expect(checkNoShow(policy, t(), h.now())).toMatchObject({ ok: true });
    expect(skipLabel(undefined)).toEqual({ zh: '过号', en: 'No-show' });
  });

  it('a ticket being served is never a no-show', () => {
    expect(checkNoShow(PolicySchema.parse({}), { priority: 'normal', status: 'serving', calledAt: 0 }, 10 * 60_000)).toEqual({ ok: false, reason: 'not-called' });
  });

  it('a hall may set no grace at all (0 s): the clerk still confirms at the counter', () => {
    const p = PolicySchema.parse({ noShowGraceSeconds: 0, noShowGracePrioritySeconds: 0 });
    expect(checkNoShow(p, { priority: 'special', status: 'called', calledAt: 1000 }, 1000)).toMatchObject({ ok: true });
  });
});
