/**
 * How to book an appointment-only service (issue 17: the dialog said "book online or by phone"
 * and gave neither a number nor an address). The hall's booking phone and web address come from
 * its policy (bookingPhone, bookingWeb); a web address is also a QR code to scan with a phone.
 * A hall that has set neither sends the citizen to the help desk rather than to nowhere.
 */
import { Qr } from '../app/Qr';
import { useHall } from '../app/context';
import { Bi } from '../i18n/Bi';
import './elderly.css';

export function BookingContact() {
  const { state } = useHall();
  const { bookingPhone, bookingWeb } = state.config.policy;
  if (!bookingPhone && !bookingWeb) {
    return (
      <div className="refusal-hint booking-contact" data-testid="booking-contact">
        <Bi t={{ zh: '预约方式请咨询导办人员。', en: 'Please ask at the help desk how to book.' }} />
      </div>
    );
  }
  const link = bookingWeb && /^https?:\/\//.test(bookingWeb) ? bookingWeb : undefined;
  return (
    <div className="refusal-hint booking-contact" data-testid="booking-contact">
      <div className="booking-lines">
        {bookingPhone ? (
          <div className="booking-line" data-testid="booking-phone">
            <Bi t={{ zh: `预约电话：${bookingPhone}`, en: `Book by phone: ${bookingPhone}` }} />
          </div>
        ) : null}
        {bookingWeb ? (
          <div className="booking-line" data-testid="booking-web">
            <Bi t={{ zh: `网上预约：${bookingWeb}`, en: `Book online: ${bookingWeb}` }} />
          </div>
        ) : null}
      </div>
      {link ? (
        <div className="booking-qr">
          <Qr text={link} size={160} title="booking" />
          <Bi t={{ zh: '手机扫码预约', en: 'Scan to book' }} />
        </div>
      ) : null}
    </div>
  );
}
