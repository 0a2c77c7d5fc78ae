/**
 * Noisy events (device.fault, device.recovered): a broken printer can report the same fault
 * every second, and a stolen token can push 49,000 junk faults. Such events are still held (the
 * origin's seq stays dense, so hubs relay and terminals acknowledge as always) but stored
 * *quiet*: never served by pull or the live socket, so they cannot fill the log every terminal
 * pulls. A device event is quiet when
 *
 *   - it changes nothing: a fault identical (device, code, message) to that device's open
 *     fault, or a recovery of a device that is not in fault; or
 *   - the terminal already had NOISY_PER_MINUTE visible device events this minute (server time),
 *     unless it is the last word of a batch on its device (a fault, or its clearing, must still
 *     reach the admin: issue 17): that one may go up to NOISY_LAST_WORD_CAP a minute.
 *
 * What was kept quiet is counted per terminal and minute (noisy_counts): the summary the
 * admin's list shows (GET /api/admin/overrides, `quietFaults`).
 */
import type { HallEvent } from '../../shared/events/envelope';
import type { HallState } from '../../shared/fold/state';
import type { Queryable } from '../db/db';

export const NOISY_TYPES: ReadonlySet<string> = new Set(['device.fault', 'device.recovered']);
/** Visible device events per terminal per minute; the rest are stored quiet. */
export const NOISY_PER_MINUTE = 10;
/** With the last word of a batch per device (six device kinds), at most this many a minute. */
export const NOISY_LAST_WORD_CAP = NOISY_PER_MINUTE + 6;

interface DeviceView {
  ok: boolean;
  code?: string | undefined;
  message?: string | undefined;
}

/**
 * Which of the fresh events to store quiet (by `origin:seq`), and the counts to add. Reads and
 * updates noisy_counts under the hall's lock (the caller's transaction).
 */
export async function quietEvents(q: Queryable, hall: string, s: HallState | undefined, fresh: readonly HallEvent[], now: number): Promise<Set<string>> {
  const quiet = new Set<string>();
  const noisy = fresh.filter((e) => NOISY_TYPES.has(e.type));
  if (!noisy.length) return quiet;
  const minute = Math.floor(now / 60_000);
  const terminals = [...new Set(noisy.map((e) => terminalOf(e.origin)))];
  const r = await q.query<{ terminal: string; visible: number }>('SELECT terminal, visible FROM noisy_counts WHERE hall = $1 AND minute = $2 AND terminal = ANY($3)', [
    hall,
    minute,
    terminals,
  ]);
  const visible = new Map(r.rows.map((x) => [x.terminal, Number(x.visible)]));
  const added = new Map<string, { visible: number; quiet: number }>();
  // What this batch has shown so far, over what the fold knows.
  const view = new Map<string, DeviceView>();
  // The last event of the batch for each device: the condition the device is left in.
  const lastOf = new Map<string, HallEvent>();
  for (const e of noisy) lastOf.set(`${terminalOf(e.origin)}/${(e.payload as { device: string }).device}`, e);
  for (const e of noisy) {
    const terminal = terminalOf(e.origin);
    const p = e.payload as { device: string; code?: string; message?: string };
    const key = `${terminal}/${p.device}`;
    const before = view.get(key) ?? s?.devices.get(key) ?? { ok: true };
    const same = e.type === 'device.fault' ? !before.ok && before.code === p.code && (before.message ?? '') === (p.message ?? '') : before.ok;
    const seen = visible.get(terminal) ?? 0;
    const a = added.get(terminal) ?? { visible: 0, quiet: 0 };
    const lastWord = lastOf.get(key) === e;
    if (same || seen >= (lastWord ? NOISY_LAST_WORD_CAP : NOISY_PER_MINUTE)) {
      quiet.add(`${e.origin}:${e.seq}`);
      a.quiet += 1;
    } else {
      visible.set(terminal, seen + 1);
      a.visible += 1;
      view.set(key, e.type === 'device.fault' ? { ok: false, code: p.code, message: p.message ?? '' } : { ok: true });
    }
    added.set(terminal, a);
  }
  for (const [terminal, a] of added) {
    await q.query(
      `INSERT INTO noisy_counts (hall, terminal, minute, visible, quiet) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (hall, terminal, minute) DO UPDATE SET visible = noisy_counts.visible + EXCLUDED.visible, quiet = noisy_counts.quiet + EXCLUDED.quiet`,
      [hall, terminal, minute, a.visible, a.quiet],
    );
  }
  return quiet;
}

function terminalOf(origin: string): string {
  const i = origin.indexOf('~');
  return i < 0 ? origin : origin.slice(0, i);
}
