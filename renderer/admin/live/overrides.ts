/**
 * GET /api/admin/overrides: events that took a ticket another window had called, or replaced a
 * citizen's rating, by being dated earlier (authored offline, or back-dated), and the device
 * events kept quiet per terminal (server/admission/). Checked at the boundary.
 */
import { z } from 'zod';

export const OVERRIDES_POLL_MS = 30_000;

export const OverrideSchema = z.object({
  origin: z.string(),
  terminal: z.string(),
  seq: z.number(),
  kind: z.enum(['call-won', 'rating-replaced']),
  ticketId: z.string(),
  number: z.string(),
  windowId: z.string(),
  replacedWindowId: z.string(),
  replacedEvent: z.string(),
  replacedLevel: z.number().optional(),
  level: z.number().optional(),
  datedAt: z.number(),
  receivedAt: z.number(),
});
export type Override = z.infer<typeof OverrideSchema>;

export const OverridesResponseSchema = z.object({
  now: z.number(),
  overrides: z.array(OverrideSchema),
  quietFaults: z.array(z.object({ terminal: z.string(), quiet: z.number(), visible: z.number() })),
  /** Events refused for good per terminal (quarantined there); absent from older servers. */
  refused: z.array(z.object({ terminal: z.string(), refused: z.number(), lastCode: z.string() })).default([]),
});
export type OverridesResponse = z.infer<typeof OverridesResponseSchema>;

/** What a row says, in both languages. */
export function describeOverride(o: Override, windowLabel: (id: string) => string): { zh: string; en: string } {
  const w = windowLabel(o.windowId);
  const other = windowLabel(o.replacedWindowId);
  if (o.kind === 'call-won') {
    return { zh: `${w} 号窗口的呼叫早于 ${other} 号窗口，取走了 ${o.number}`, en: `Window ${w}'s call, dated before window ${other}'s, took ${o.number}` };
  }
  const from = o.replacedLevel ?? '—';
  const to = o.level ?? '—';
  return { zh: `${o.number} 的评价由 ${from} 改为 ${to}（更早的时间）`, en: `${o.number}'s rating replaced: ${from} → ${to} (dated earlier)` };
}
