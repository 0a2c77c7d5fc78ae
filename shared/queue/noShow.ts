/**
 * When a called citizen may be marked a no-show (过号), issue 17: only after the hall policy's
 * grace period from the call (longer for priority tickets: seniors, people with disabilities,
 * pregnant women, the green channel), and then with the clerk's confirmation (the counter's
 * dialog). Before that the counter says how long is left and offers a recall.
 */
import type { Policy } from '../config/schemas';
import type { TicketState } from '../fold/state';

/** Priority classes that get the longer grace: R7 special groups and the green channel. */
export function slowerToArrive(t: Pick<TicketState, 'priority'>): boolean {
  return t.priority === 'special' || t.priority === 'green';
}

/** The grace from the call before a no-show may be recorded, in ms. */
export function noShowGraceMs(policy: Pick<Policy, 'noShowGraceSeconds' | 'noShowGracePrioritySeconds'>, t: Pick<TicketState, 'priority'>): number {
  const normal = policy.noShowGraceSeconds;
  const seconds = slowerToArrive(t) ? Math.max(normal, policy.noShowGracePrioritySeconds) : normal;
  return seconds * 1000;
}

export type NoShowCheck =
  | { ok: true; graceMs: number; calledForMs: number }
  | { ok: false; reason: 'not-called' }
  | { ok: false; reason: 'too-early'; graceMs: number; calledForMs: number; remainingMs: number; readyAt: number };

/** Whether the window holding `t` may mark it a no-show at `now`. */
export function checkNoShow(policy: Pick<Policy, 'noShowGraceSeconds' | 'noShowGracePrioritySeconds'>, t: Pick<TicketState, 'priority' | 'status' | 'calledAt'>, now: number): NoShowCheck {
  if (t.status !== 'called' || t.calledAt === undefined) return { ok: false, reason: 'not-called' };
  const graceMs = noShowGraceMs(policy, t);
  const calledForMs = Math.max(0, now - t.calledAt);
  if (calledForMs >= graceMs) return { ok: true, graceMs, calledForMs };
  return { ok: false, reason: 'too-early', graceMs, calledForMs, remainingMs: graceMs - calledForMs, readyAt: t.calledAt + graceMs };
}
