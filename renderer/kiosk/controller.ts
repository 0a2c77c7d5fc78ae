/**
 * What the kiosk does when a citizen taps, swipes an ID card or scans a booking QR: decide with
 * the shared rules, move the screen state, take the ticket. Built on injected functions (the
 * terminal's coordinator, log and printer in the page; fakes in tests/unit/kiosk-flow.test.ts).
 */
import { checkIssue } from '../../shared/actions/issue';
import type { Channel } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { CardRead } from '../../shared/identity/card';
import { localDate } from '../../shared/schedule/zone';
import { appointmentByCode, appointmentsForCard } from './appointments';
import { takeTicket, type TakeTicketDeps, type TakeTicketResult, type TicketRequest } from './issueFlow';
import type { KioskStore, Refusal } from './store';
import { citizenRefusal } from './citizenWords';
import { largeTextFor } from './elderly';

export interface KioskDeps extends Omit<TakeTicketDeps, 'onIssued'> {
  now(): number;
  /** The language goes back to Chinese with each new session. */
  resetLang(): void;
}

const MESSAGES = {
  noBooking: {
    zh: '没有找到这个预约码对应的预约，请核对预约信息，或选择业务直接取号。',
    en: 'No appointment was found for this code. Please check your booking, or choose a service to take a regular ticket.',
  },
  failed: {
    zh: '取号没有成功，请重试；如仍不成功，请咨询导办人员。',
    en: 'The ticket could not be taken. Please try again, or ask at the help desk.',
  },
};

export class KioskController {
  constructor(
    private readonly deps: KioskDeps,
    readonly store: KioskStore,
  ) {}

  private get ui() {
    return this.store.getState();
  }

  private channel(): Channel {
    return this.ui.card ? 'idcard' : 'kiosk';
  }

  /** Tap on a service tile: a service a walk-in cannot take now says why at once (R5, R12). */
  choose(serviceId: string): void {
    const ui = this.ui;
    if (ui.busy) return;
    const check = checkIssue(this.deps.state(), {
      serviceId,
      channel: this.channel(),
      now: this.deps.now(),
      ...(ui.card ? { card: ui.card } : {}),
    });
    // Real-name services ask for the card on the confirm screen.
    if (!check.ok && check.code !== 'id-required') return ui.refuse(refusalOf(check.code, check.message));
    ui.choose(serviceId);
  }

  /** The confirm screen's take button. */
  async take(): Promise<void> {
    const ui = this.ui;
    if (ui.screen !== 'confirm' || !ui.serviceId) return;
    await this.issue({
      serviceId: ui.serviceId,
      channel: this.channel(),
      ...(ui.card ? { card: ui.card } : {}),
      ...(ui.declared ? { declared: ui.declared } : {}),
    });
  }

  /** Check in a booking (from the check-in list or a scanned code). */
  async checkIn(appointmentId: string, opts: { withCard?: boolean } = {}): Promise<void> {
    const a = this.deps.state().appointments.get(appointmentId);
    if (!a) return this.ui.refuse({ code: 'appointment-unknown', message: MESSAGES.noBooking });
    const card = opts.withCard ? this.ui.card : undefined;
    await this.issue({ serviceId: a.serviceId, channel: card ? 'idcard' : 'kiosk', appointmentId: a.id, ...(card ? { card } : {}) });
  }

  /** An ID card was read: the session becomes real-name; bookings of today are offered. */
  async card(card: CardRead): Promise<void> {
    if (this.ui.busy) return;
    const s = this.deps.state();
    const day = localDate(this.deps.now(), s.config.schedule.timeZone);
    const bookings = appointmentsForCard(s, card.idHash, day).length;
    // A card on a finished ticket's screen is the next citizen: a new session, in Chinese.
    if (this.ui.screen === 'ticket' || this.ui.screen === 'eticket') this.deps.resetLang();
    this.ui.cardRead(card, bookings, largeTextFor(card, s.config.policy, day));
    const ui = this.ui;
    // On the confirm screen of a real-name service the swipe is the citizen saying "take it".
    if (ui.screen === 'confirm' && ui.serviceId && s.config.services.get(ui.serviceId)?.realNameRequired) await this.take();
  }

  /** A booking QR was scanned (scanner device or keyboard wedge). */
  async scan(text: string): Promise<void> {
    if (this.ui.busy) return;
    const a = appointmentByCode(this.deps.state(), text);
    if (!a) return this.ui.refuse({ code: 'appointment-unknown', message: MESSAGES.noBooking });
    await this.checkIn(a.id);
  }

  /** Back to the attract screen, in Chinese, normal mode: the next citizen. */
  done(): void {
    if (this.ui.busy) return;
    this.ui.reset();
    this.deps.resetLang();
  }

  private async issue(request: TicketRequest): Promise<void> {
    if (!this.ui.issuing()) return;
    let r: TakeTicketResult;
    try {
      r = await takeTicket({ ...this.deps, onIssued: (t) => this.ui.printing(t) }, request);
    } catch (e) {
      console.error('kiosk: taking a ticket failed', e);
      return this.ui.refuse({ code: 'failed', message: MESSAGES.failed });
    }
    if (r.kind === 'printed') this.ui.printed(r.ticket);
    else if (r.kind === 'e-ticket') this.ui.eTicket(r.ticket, r.printError);
    else this.ui.refuse(refusalOf(r.code, r.message));
  }
}

export function refusalOf(code: string, message: Bilingual): Refusal {
  if (code === 'appointment-only') return { code, message, hint: 'appointment' };
  if (code === 'id-required') return { code, message, hint: 'id-card' };
  return { code, message: citizenRefusal(code, message) };
}
