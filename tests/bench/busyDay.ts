/**
 * A busy day in a big district hall, as an event log: 10 services, 60 windows, 5 kiosks,
 * tickets arriving all day, every ticket called, served, finished and mostly rated.
 * Deterministic for a seed.
 */
import type { HallEvent } from '../../shared/events';
import { HallFold } from '../../shared/fold';
import { nextForWindow } from '../../shared/queue';
import { decideIssue } from '../../shared/actions';
import { Rng } from '../../scripts/sim/prng';
import { HALL, TestTerminal } from '../support/hall';

export function busyDay(targetEvents: number, seed = 1): HallEvent[] {
  const rng = new Rng(seed);
  // Monday 2026-11-23 09:00 Shanghai.
  let now = Date.parse('2026-11-23T01:00:00Z');
  const clock = () => now;
  const log: HallEvent[] = [];
  const fold = new HallFold(HALL);
  const emit = (t: TestTerminal, type: Parameters<TestTerminal['emit']>[0], payload: object) => {
    now += 1; // every event its own millisecond: causality without cross-terminal clock merges
    const e = t.emit(type, payload as never);
    log.push(e);
    fold.add(e);
    return e;
  };

  const admin = new TestTerminal('admin-1', clock);
  const services = Array.from({ length: 10 }, (_, i) => `svc${i}`);
  services.forEach((id, i) =>
    emit(admin, 'config.changed', { kind: 'service', id, value: { id, prefix: String.fromCharCode(65 + i), name: { zh: `业务${i}`, en: `Service ${i}` } } }),
  );
  const windows = Array.from({ length: 60 }, (_, i) => `w${i + 1}`);
  windows.forEach((id, i) =>
    emit(admin, 'config.changed', {
      kind: 'window',
      id,
      value: { id, label: String(i + 1), services: [0, 1, 2].map((k) => ({ serviceId: services[(i + k * 3) % 10]!, weight: 1 })), priorityFirst: i < 3 },
    }),
  );
  const kiosks = Array.from({ length: 5 }, (_, i) => new TestTerminal(`kiosk-${i + 1}`, clock));
  const counters = windows.map((w) => new TestTerminal(`counter-${w}`, clock));
  const evaluators = windows.map((w) => new TestTerminal(`eval-${w}`, clock));
  const freeAt = new Map<string, number>();
  const serving = new Map<string, string>();
  const seqs = new Map<string, number>();

  windows.forEach((w, i) => emit(counters[i]!, 'staff.signedIn', { windowId: w, staffId: `s${i + 1}` }));

  while (log.length < targetEvents) {
    now += 5000;
    // About as many arrivals as 60 windows can serve: queues of tens, as in a busy hall.
    const arrivals = rng.int(0, 4);
    for (let a = 0; a < arrivals; a++) {
      const k = rng.pick(kiosks);
      const serviceId = rng.pick(services);
      const prefix = fold.state.config.services.get(serviceId)!.prefix;
      const seq = (seqs.get(prefix) ?? 0) + 1;
      const d = decideIssue(fold.state, { serviceId, channel: 'kiosk', now, ...(rng.chance(0.08) ? { declared: 'elderly' as const } : {}) }, { source: 'server', seq }, k.nextId());
      if (!d.ok) continue;
      seqs.set(prefix, seq);
      emit(k, 'ticket.issued', d.payload);
    }
    windows.forEach((w, i) => {
      if ((freeAt.get(w) ?? 0) > now) return;
      const c = counters[i]!;
      const cur = serving.get(w);
      if (cur) {
        emit(c, 'ticket.finished', { ticketId: cur, windowId: w, outcome: rng.chance(0.97) ? 'done' : 'needs-material' });
        if (rng.chance(0.85)) emit(evaluators[i]!, 'evaluation.recorded', { ticketId: cur, windowId: w, level: rng.pick([5, 5, 5, 4, 4, 3, 2, 1] as const), source: 'pad' });
        serving.delete(w);
      }
      const t = nextForWindow(fold.state, w, now);
      if (!t) return;
      emit(c, 'ticket.called', { ticketId: t.id, windowId: w, claim: 'server' });
      if (rng.chance(0.04)) {
        emit(c, 'ticket.skipped', { ticketId: t.id, windowId: w });
        return;
      }
      emit(c, 'ticket.started', { ticketId: t.id, windowId: w });
      serving.set(w, t.id);
      freeAt.set(w, now + rng.int(60_000, 300_000));
    });
  }
  return log.slice(0, targetEvents);
}
