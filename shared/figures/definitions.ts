/**
 * What every figure about tickets means: the one definition the live view, the counter and the
 * reports all count by (issue 17: "live showed issued 8 / served 2 while the day report showed
 * issued 5 / served 1 / not done 1").
 *
 * A ticket is in exactly one class, read off its status (and its outcome once finished) as the
 * fold left it:
 * - voided: the print failed, the ticket never reached a citizen. It is NOT issued and is left
 *   out of every other figure too (shown apart, as "voided").
 * - served (办结): finished with outcome done. Only this is served.
 * - notDone (未办成): finished with outcome not-done (R18). It is not served.
 * - needsMaterial (需补材料): finished, the citizen must bring more. Not served either.
 * - noShow (过号): still skipped now. A no-show who came back (requeued or called by hand) and was
 *   served counts as served, not as a no-show.
 * - cancelled: cancelled before being served.
 * - unfinished: waiting, called or serving right now (waiting is its first part).
 * issued = served + notDone + needsMaterial + noShow + cancelled + unfinished (voided apart).
 *
 * Beside the classes (each ticket counted once, under the service, window and staff it ended
 * with; a transferred ticket under the window that took it last):
 * - transferred: transferred at least once.
 * - rated: has a rating level (a timeout's "no rating" is not rated); satisfied: level 4-5;
 *   bad: level 1-2 (R8 差评).
 *
 * The rules are data (status and outcome lists) so the server's SQL over ticket facts is
 * written from the same table (server/store/reports.ts uses figureSql), not typed again.
 */
import type { Outcome } from '../events/payloads';
import type { TicketStatus } from '../fold/state';

export const FIGURE_CLASSES = ['served', 'notDone', 'needsMaterial', 'noShow', 'cancelled', 'unfinished', 'voided'] as const;
export type FigureClass = (typeof FIGURE_CLASSES)[number];

export interface ClassRule {
  status: readonly TicketStatus[];
  /** When set, the outcome must be one of these (only finished tickets have one). */
  outcome?: readonly Outcome[];
}

export const CLASS_RULES: Readonly<Record<FigureClass, ClassRule>> = {
  served: { status: ['finished'], outcome: ['done'] },
  notDone: { status: ['finished'], outcome: ['not-done'] },
  needsMaterial: { status: ['finished'], outcome: ['needs-material'] },
  noShow: { status: ['skipped'] },
  cancelled: { status: ['cancelled'] },
  unfinished: { status: ['waiting', 'called', 'serving'] },
  voided: { status: ['voided'] },
};

/** R8: the levels that count as satisfied, and as a bad rating. */
export const SATISFIED_MIN_LEVEL = 4;
export const BAD_MAX_LEVEL = 2;

/** What a figure needs to know of a ticket: a fold's TicketState or a report's fact row. */
export interface FigureFacts {
  status: TicketStatus | string;
  outcome?: Outcome | string | null | undefined;
}

function matches(rule: ClassRule, t: FigureFacts): boolean {
  if (!(rule.status as readonly string[]).includes(t.status)) return false;
  return rule.outcome === undefined || (t.outcome !== null && t.outcome !== undefined && (rule.outcome as readonly string[]).includes(t.outcome));
}

/**
 * The one class of a ticket. (The fold gives every finished ticket an outcome, so every ticket
 * matches a rule; anything else would be a status this module does not know yet: unfinished.)
 */
export function figureClass(t: FigureFacts): FigureClass {
  for (const c of FIGURE_CLASSES) if (matches(CLASS_RULES[c], t)) return c;
  return 'unfinished';
}

/** Issued counts every ticket that reached a citizen: all but the voided. */
export function isIssued(t: FigureFacts): boolean {
  return figureClass(t) !== 'voided';
}

const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ');

/**
 * The SQL condition of a class over ticket_facts columns (status, outcome): the same rule as
 * figureClass, for the server's reports. The values are this module's constants, never input.
 */
export function figureSql(c: FigureClass, cols: { status: string; outcome: string } = { status: 'status', outcome: 'outcome' }): string {
  const rule = CLASS_RULES[c];
  const status = `${cols.status} IN (${sqlList(rule.status)})`;
  return rule.outcome === undefined ? status : `(${status} AND ${cols.outcome} IN (${sqlList(rule.outcome)}))`;
}

/** The SQL condition of "issued" (every ticket but the voided). */
export function issuedSql(cols: { status: string } = { status: 'status' }): string {
  return `${cols.status} NOT IN (${sqlList(CLASS_RULES.voided.status)})`;
}
