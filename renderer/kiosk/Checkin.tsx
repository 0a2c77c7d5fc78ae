/** The ID card's bookings of today (R6): check one in, or take another service. */
import { useMemo } from 'react';
import { localDate } from '../../shared/schedule/zone';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { hhmm } from '../i18n/format';
import { appointmentsForCard } from './appointments';
import { CardStrip } from './CardStrip';
import { useController } from './context';
import { useKiosk } from './store';

export function Checkin() {
  const controller = useController();
  const { state, version } = useHall();
  const now = useNow(30_000);
  const card = useKiosk((s) => s.card);
  const busy = useKiosk((s) => s.busy);
  const back = useKiosk((s) => s.back);
  const tz = state.config.schedule.timeZone;
  const bookings = useMemo(() => (card ? appointmentsForCard(state, card.idHash, localDate(now, tz)) : []), [state, version, card, now, tz]);
  return (
    <section className="checkin" data-testid="checkin">
      {card ? <CardStrip card={card} /> : null}
      <h2 className="screen-title">
        <Bi t={{ zh: '您今天有以下预约，请签到取号', en: 'Your appointments today: check in to get your ticket' }} />
      </h2>
      <ul className="bookings">
        {bookings.map((a) => {
          const name = state.config.services.get(a.serviceId)?.name ?? { zh: a.serviceId, en: a.serviceId };
          const slot = `${hhmm(a.slotFrom, tz)}–${hhmm(a.slotTo, tz)}`;
          return (
            <li key={a.id} className="booking">
              <div className="booking-text">
                <Bi className="booking-service" t={name} />
                <Bi className="booking-slot" t={{ zh: `预约时段 ${slot}`, en: `Booked for ${slot}` }} />
              </div>
              <button type="button" className="primary" data-testid={`checkin-${a.id}`} disabled={busy} onClick={() => void controller.checkIn(a.id, { withCard: true })}>
                <Bi t={{ zh: '签到取号', en: 'Check in' }} />
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="secondary wide" data-testid="other-services" disabled={busy} onClick={back}>
        <Bi t={{ zh: '办理其他业务', en: 'Other services' }} />
      </button>
    </section>
  );
}
