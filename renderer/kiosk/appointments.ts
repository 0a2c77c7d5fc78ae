/**
 * Appointment check-in at the kiosk (R6): by the QR code on the booking confirmation (its text is
 * the appointment's code, or a link carrying it) or by the ID card of the person who booked.
 */
import type { AppointmentState, HallState } from '../../shared/fold/state';

const CODE = /^[A-Za-z0-9]{6,32}$/;

/** The appointment code in a scan: the text itself, a `code=` parameter, or a link's last segment. */
export function codeFromScan(text: string): string | undefined {
  const t = text.trim();
  if (CODE.test(t)) return t;
  try {
    const u = new URL(t);
    const q = u.searchParams.get('code');
    if (q && CODE.test(q)) return q;
    const last = u.pathname.split('/').filter(Boolean).pop();
    if (last && CODE.test(last)) return last;
  } catch {
    // not a link
  }
  return undefined;
}

/** The appointment a scanned code names (any status: the issue decision explains the rest). */
export function appointmentByCode(s: HallState, text: string): AppointmentState | undefined {
  const code = codeFromScan(text);
  if (!code) return undefined;
  // Best first: the exact code, then the code in other letter case; a live booking before a cancelled one.
  let best: { a: AppointmentState; rank: number } | undefined;
  for (const a of s.appointments.values()) {
    const exact = a.code === code;
    if (!exact && a.code.toUpperCase() !== code.toUpperCase()) continue;
    const rank = (exact ? 0 : 1) + (a.status === 'cancelled' ? 2 : 0);
    if (!best || rank < best.rank) best = { a, rank };
  }
  return best?.a;
}

/** Today's bookings of the card holder not yet checked in, earliest slot first. */
export function appointmentsForCard(s: HallState, idHash: string, day: string): AppointmentState[] {
  const out: AppointmentState[] = [];
  for (const a of s.appointments.values()) {
    if (a.day === day && a.status === 'booked' && a.person?.idHash === idHash) out.push(a);
  }
  return out.sort((x, y) => x.slotFrom - y.slotFrom);
}
