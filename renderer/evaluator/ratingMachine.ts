/**
 * The evaluator's rating flow (R8 一次一评) as a pure state machine: which ticket is offered for
 * rating, what the citizen has chosen, and when a rating is recorded. The screen feeds it inputs
 * (touches, keypad presses, clock ticks) with the current context and authors what it returns.
 *
 *   idle --(a finished ticket to rate)--> rate --(good level)--> thanks --(a few s)--> idle
 *                                          |  \--(bad level)--> reasons --(submit)--> thanks
 *                                          \--(timeout)--> idle, "no rating" recorded
 *
 * A ticket is offered only while the fold says it has no rating, and the machine never goes
 * back to a ticket it recorded, so the same served ticket is never offered twice.
 */
import type { HallState, TicketState } from '../../shared/fold/state';
import { BAD_RATING_REASONS, isBadRating, type RatingLevel } from '../../shared/ratings/levels';

export type RatingPhase =
  | { t: 'idle' }
  | { t: 'rate'; ticketId: string; since: number }
  | { t: 'reasons'; ticketId: string; since: number; level: RatingLevel; reasons: string[] }
  | { t: 'thanks'; ticketId: string; level: RatingLevel | null; until: number };

export interface Recording {
  ticketId: string;
  level: RatingLevel | null;
  reasons: string[];
  source: 'pad' | 'device' | 'timeout';
}

export type RatingInput =
  | { t: 'sync' }
  | { t: 'tick' }
  | { t: 'pick'; level: RatingLevel }
  | { t: 'toggle'; reason: string }
  | { t: 'submit' }
  | { t: 'back' }
  /** The hardware keypad (R8 evaluator): a level, no reasons. */
  | { t: 'key'; level: RatingLevel };

export interface RatingContext {
  now: number;
  /** policy.ratingTimeoutSeconds, in ms. */
  timeoutMs: number;
  thanksMs: number;
  /** The finished ticket waiting for its rating, if any (see `ratingTarget`). */
  pending: string | undefined;
  /** A ticket whose rating timed out that a late keypad press may still rate. */
  late: string | undefined;
  /** What this screen already recorded per ticket (the fold may not have it yet): a ticket is
   *  never offered again, and one with a real level takes no late keypad press either. */
  recorded?: ReadonlyMap<string, RatingLevel | null>;
}

export interface RatingStep {
  phase: RatingPhase;
  record?: Recording;
}

export const THANKS_MS = 5_000;
const REASON_IDS = new Set(BAD_RATING_REASONS.map((r) => r.id));

export function stepRating(phase: RatingPhase, input: RatingInput, context: RatingContext): RatingStep {
  const seen = context.recorded;
  const ctx: RatingContext = seen
    ? {
        ...context,
        pending: context.pending !== undefined && seen.has(context.pending) ? undefined : context.pending,
        late: context.late !== undefined && (seen.get(context.late) ?? null) !== null ? undefined : context.late,
      }
    : context;
  return settle(apply(phase, input, ctx), ctx);
}

function apply(p: RatingPhase, input: RatingInput, ctx: RatingContext): RatingStep {
  const { now } = ctx;
  switch (input.t) {
    case 'sync':
    case 'tick':
      if ((p.t === 'rate' || p.t === 'reasons') && ctx.pending !== p.ticketId) {
        // The ticket was rated elsewhere, or the window finished the next one before this
        // citizen chose: record what there is for this one and move on.
        return ctx.pending === undefined ? { phase: { t: 'idle' } } : { phase: { t: 'idle' }, record: unfinished(p) };
      }
      if ((p.t === 'rate' || p.t === 'reasons') && now - p.since >= ctx.timeoutMs) return { phase: { t: 'idle' }, record: unfinished(p) };
      if (p.t === 'thanks' && now >= p.until) return { phase: { t: 'idle' } };
      return { phase: p };
    case 'pick':
      if (p.t !== 'rate' && p.t !== 'reasons') return { phase: p };
      if (isBadRating(input.level)) {
        return { phase: { t: 'reasons', ticketId: p.ticketId, since: now, level: input.level, reasons: p.t === 'reasons' ? p.reasons : [] } };
      }
      return done(p.ticketId, input.level, [], 'pad', ctx);
    case 'toggle': {
      if (p.t !== 'reasons' || !REASON_IDS.has(input.reason)) return { phase: p };
      const reasons = p.reasons.includes(input.reason) ? p.reasons.filter((r) => r !== input.reason) : [...p.reasons, input.reason];
      return { phase: { ...p, reasons, since: now } };
    }
    case 'submit':
      if (p.t !== 'reasons' || p.reasons.length === 0) return { phase: p };
      return done(p.ticketId, p.level, p.reasons, 'pad', ctx);
    case 'back':
      if (p.t !== 'reasons') return { phase: p };
      return { phase: { t: 'rate', ticketId: p.ticketId, since: now } };
    case 'key':
      if (p.t === 'rate') return done(p.ticketId, input.level, [], 'device', ctx);
      // Keys pressed while picking reasons: the level from the keypad, with the reasons touched so far.
      if (p.t === 'reasons') return done(p.ticketId, input.level, isBadRating(input.level) ? p.reasons : [], 'device', ctx);
      if (p.t === 'idle' && ctx.late !== undefined) return done(ctx.late, input.level, [], 'device', ctx);
      return { phase: p }; // thanks: this ticket is rated (R8)
  }
}

/** Idle with a ticket waiting to be rated: offer it. */
function settle(step: RatingStep, ctx: RatingContext): RatingStep {
  if (step.phase.t !== 'idle' || ctx.pending === undefined) return step;
  if (step.record?.ticketId === ctx.pending) return step;
  return { ...step, phase: { t: 'rate', ticketId: ctx.pending, since: ctx.now } };
}

function done(ticketId: string, level: RatingLevel, reasons: string[], source: Recording['source'], ctx: RatingContext): RatingStep {
  return { phase: { t: 'thanks', ticketId, level, until: ctx.now + ctx.thanksMs }, record: { ticketId, level, reasons, source } };
}

/** The citizen left without finishing: a level picked on the reasons page still counts. */
function unfinished(p: Extract<RatingPhase, { t: 'rate' | 'reasons' }>): Recording {
  if (p.t === 'reasons') return { ticketId: p.ticketId, level: p.level, reasons: p.reasons, source: 'pad' };
  return { ticketId: p.ticketId, level: null, reasons: [], source: 'timeout' };
}

/** How long after its finish a ticket nobody rated is closed as "no rating" without asking. */
export const STALE_AFTER_MS = 10 * 60_000;

export interface RatingTarget {
  /** Finished here, no rating yet: offer it. */
  pending?: TicketState;
  /** Finished long ago (the evaluator was off): record "no rating" without showing it. */
  stale?: TicketState;
  /** Timed out just now; the keypad may still rate it (the fold lets a real rating follow a timeout). */
  late?: TicketState;
}

/** Which ticket the evaluator at `windowId` may rate now: the last one finished there. */
export function ratingTarget(s: HallState, windowId: string, now: number, timeoutMs: number): RatingTarget {
  const w = s.windows.get(windowId);
  const id = w?.lastFinishedTicketId;
  const t = id ? s.tickets.get(id) : undefined;
  if (!w || !t || t.status !== 'finished' || t.windowId !== windowId) return {};
  const age = now - (t.finishedAt ?? now);
  if (t.rating === undefined) return age > timeoutMs + STALE_AFTER_MS ? { stale: t } : { pending: t };
  // A late press is taken only until the window moves on to its next citizen.
  if (t.rating.level === null && w.currentTicketId === undefined && age <= timeoutMs + STALE_AFTER_MS) return { late: t };
  return {};
}
