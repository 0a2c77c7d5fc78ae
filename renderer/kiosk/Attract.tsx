/** The attract screen: how to take a ticket (tap, ID card, booking QR), notices, the hotline (R20). */
import { useMemo } from 'react';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { hotlineText } from '../../shared/config/hotline';
import { CardIcon, PhoneIcon, QrIcon, TouchIcon } from './Icons';
import { useKiosk } from './store';

export function Attract() {
  const start = useKiosk((s) => s.start);
  const { state, version } = useHall();
  const now = useNow(60_000);
  const notices = useMemo(
    () => [...state.notices.values()].filter((n) => (n.from === undefined || n.from <= now) && (n.to === undefined || now < n.to)),
    [version, now],
  );
  return (
    <section className="attract" data-testid="attract">
      <h1 className="attract-title">
        <Bi t={{ zh: '欢迎办事，请取号', en: 'Welcome. Please take a ticket' }} />
      </h1>
      <button type="button" className="attract-start" data-testid="start" onClick={start}>
        <TouchIcon size={96} />
        <Bi t={{ zh: '点击这里，选择业务取号', en: 'Touch here to choose a service' }} />
      </button>
      <div className="attract-ways">
        <div className="way">
          <CardIcon size={72} />
          <div>
            <Bi className="way-title" t={{ zh: '刷身份证取号', en: 'Use your ID card' }} />
            <Bi className="way-text" t={{ zh: '将身份证放在读卡区，再选择业务', en: 'Place your ID card on the reader, then choose a service' }} />
          </div>
        </div>
        <div className="way">
          <QrIcon size={72} />
          <div>
            <Bi className="way-title" t={{ zh: '预约签到', en: 'Appointment check-in' }} />
            <Bi className="way-text" t={{ zh: '在扫码口扫描预约二维码，或刷预约时登记的身份证', en: 'Scan your booking QR code, or use the ID card you booked with' }} />
          </div>
        </div>
      </div>
      <div className="attract-hotline" data-testid="hotline">
        <PhoneIcon size={48} />
        <Bi t={hotlineText(state.config.policy.hotline)} />
      </div>
      {notices.length > 0 ? (
        <ul className="notices">
          {notices.map((n) => (
            <li key={n.id}>
              <Bi t={n.text} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
