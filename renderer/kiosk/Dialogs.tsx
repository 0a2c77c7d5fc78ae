/** Over any screen: a refusal with its reason and a big OK (R5, R12), and the service guide (R15). */
import { guidePlace } from '../../shared/config/guide';
import { Qr } from '../app/Qr';
import { BookingContact } from './BookingContact';
import { useHall } from '../app/context';
import { Bi } from '../i18n/Bi';
import { useController } from './context';
import { useKiosk } from './store';

export function RefusalDialog() {
  const refusal = useKiosk((s) => s.refusal);
  const dismiss = useKiosk((s) => s.dismissRefusal);
  if (!refusal) return null;
  return (
    <div className="backdrop">
      <div className="modal refusal" role="alertdialog" aria-modal="true" data-testid="refusal" data-code={refusal.code}>
        <div className="refusal-icon" aria-hidden="true">
          !
        </div>
        <div className="refusal-message">
          <Bi t={refusal.message} />
        </div>
        {refusal.hint === 'appointment' ? (
          <div className="refusal-hint">
            <Bi t={{ zh: '已预约的群众：请在扫码口扫描预约二维码，或刷预约时登记的身份证签到。', en: 'Booked already? Scan your booking QR code, or use the ID card you booked with, to check in.' }} />
          </div>
        ) : null}
        {refusal.hint === 'appointment' ? <BookingContact /> : null}
        {refusal.hint === 'id-card' ? (
          <div className="refusal-hint">
            <Bi t={{ zh: '请将身份证放在读卡区。', en: 'Please place your ID card on the card reader.' }} />
          </div>
        ) : null}
        <button type="button" className="primary huge" data-testid="refusal-ok" onClick={dismiss} autoFocus>
          <Bi t={{ zh: '知道了', en: 'OK' }} />
        </button>
      </div>
    </div>
  );
}

export function GuideOverlay() {
  const controller = useController();
  const guideId = useKiosk((s) => s.guideId);
  const close = useKiosk((s) => s.closeGuide);
  const screen = useKiosk((s) => s.screen);
  const { state } = useHall();
  const service = guideId ? state.config.services.get(guideId) : undefined;
  if (!service) return null;
  const g = service.guide;
  const rows = [
    { label: { zh: '办理时限', en: 'Time limit' }, value: g?.timeLimit },
    { label: { zh: '收费标准', en: 'Fee' }, value: g?.fee },
    // The windows are those serving the service, as the confirm screen says (issue 17), never typed.
    { label: { zh: '办理地点', en: 'Where' }, value: guidePlace(service, state.config.windows.values()) },
  ];
  return (
    <div className="backdrop">
      <div className="modal guide" role="dialog" aria-modal="true" data-testid="guide" data-service={service.id}>
        <h2 className="guide-title">
          <Bi t={{ zh: `办事指南 · ${service.name.zh}`, en: `Service guide · ${service.name.en}` }} />
        </h2>
        <div className="guide-body">
          <div className="guide-section">
            <h3>
              <Bi t={{ zh: '所需材料', en: 'What to bring' }} />
            </h3>
            {g && g.materials.length > 0 ? (
              <ol className="materials">
                {g.materials.map((m, i) => (
                  <li key={i}>
                    <Bi t={m} />
                  </li>
                ))}
              </ol>
            ) : (
              <p>
                <Bi t={{ zh: '无需材料，请到窗口说明情况', en: 'Nothing to bring: explain your case at the window' }} />
              </p>
            )}
          </div>
          <dl className="guide-facts">
            {rows.map((r) => (
              <div key={r.label.en} className="guide-fact">
                <dt>
                  <Bi t={r.label} />
                </dt>
                <dd>{r.value ? <Bi t={r.value} /> : <Bi t={{ zh: '请咨询窗口', en: 'Ask at the window' }} />}</dd>
              </div>
            ))}
          </dl>
          {g?.url ? (
            <div className="guide-qr">
              <Qr text={g.url} size={200} title="guide" />
              <Bi t={{ zh: '手机扫码查看完整办事指南', en: 'Scan for the full guide on your phone' }} />
            </div>
          ) : null}
        </div>
        <div className="modal-actions">
          {screen === 'confirm' || screen === 'printing' ? null : (
            <button
              type="button"
              className="primary"
              data-testid="guide-take"
              onClick={() => {
                close();
                controller.choose(service.id);
              }}
            >
              <Bi t={{ zh: '办理此业务，去取号', en: 'Take a ticket for this' }} />
            </button>
          )}
          <button type="button" className="secondary" data-testid="guide-close" onClick={close}>
            <Bi t={{ zh: '关闭', en: 'Close' }} />
          </button>
        </div>
      </div>
    </div>
  );
}
