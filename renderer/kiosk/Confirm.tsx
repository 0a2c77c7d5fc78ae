/**
 * Before printing: the service, people ahead and the expected wait, the windows; an ID card
 * request for real-name services (R12); the optional self-declared special group (R7, small
 * and secondary); the guide (R15).
 */
import { useMemo } from 'react';
import { checkIssue } from '../../shared/actions/issue';
import type { PriorityReason } from '../../shared/config/schemas';
import { estimateNewTicket, waitKind, waitText } from '../../shared/estimate/wait';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { CardStrip } from './CardStrip';
import { useController } from './context';
import { CardIcon } from './Icons';
import { priorityNote, reasonText } from './issueFlow';
import { windowLabels, windowsText } from './services';
import { useKiosk } from './store';

const DECLARABLE: PriorityReason[] = ['soldier', 'veteran', 'disabled', 'pregnant'];

export function Confirm() {
  const controller = useController();
  const { state, version } = useHall();
  const now = useNow(15_000);
  const serviceId = useKiosk((s) => s.serviceId)!;
  const card = useKiosk((s) => s.card);
  const declared = useKiosk((s) => s.declared);
  const busy = useKiosk((s) => s.busy);
  const declare = useKiosk((s) => s.declare);
  const back = useKiosk((s) => s.back);
  const openGuide = useKiosk((s) => s.openGuide);
  const service = state.config.services.get(serviceId);

  const preview = useMemo(() => {
    const check = checkIssue(state, { serviceId, channel: card ? 'idcard' : 'kiosk', now, ...(card ? { card } : {}), ...(declared ? { declared } : {}) });
    const priority = check.ok ? check.priority : 'normal';
    const reason = check.ok ? check.reason : undefined;
    return { estimate: estimateNewTicket(state, serviceId, priority, now), priority, reason, windows: windowLabels(state, serviceId) };
  }, [state, version, serviceId, card, declared, now]);

  if (!service) return null;
  const needsCard = service.realNameRequired && !card;
  const note = priorityNote({ priority: preview.priority, ...(preview.reason ? { priorityReason: preview.reason } : {}), appointment: false, late: false });
  const windows = windowsText(preview.windows);
  const byCard = preview.reason === 'elderly';
  return (
    <section className="confirm" data-testid="confirm">
      <div className="confirm-head">
        <Bi className="confirm-label" t={{ zh: '您选择的业务', en: 'You chose' }} />
        <h2 className="confirm-service">
          <Bi t={service.name} />
        </h2>
      </div>
      <div className="facts">
        <div className="fact">
          <Bi className="fact-label" t={{ zh: '前面等候', en: 'People ahead' }} />
          <span className="fact-figure">
            <span className="fact-value" data-testid="ahead">
              {preview.estimate.ahead}
            </span>
            <Bi className="fact-unit" only t={{ zh: '人', en: preview.estimate.ahead === 1 ? 'person' : 'people' }} />
          </span>
        </div>
        <div className="fact">
          <Bi className="fact-label" t={{ zh: '预计等候', en: 'Expected wait' }} />
          <span className="fact-value fact-text" data-testid="wait" data-wait={waitKind(preview.estimate)}>
            <Bi t={waitText(preview.estimate, state.config.schedule.timeZone, now)} />
          </span>
        </div>
        {windows ? (
          <div className="fact">
            <Bi className="fact-label" t={{ zh: '办理窗口', en: 'Served at' }} />
            <span className="fact-value fact-text">
              <Bi t={windows} />
            </span>
          </div>
        ) : null}
      </div>

      {card ? <CardStrip card={card} /> : null}
      {needsCard ? (
        <div className="card-needed" data-testid="card-needed">
          <CardIcon size={96} />
          <Bi t={{ zh: '本业务须实名取号，请将身份证放在读卡区', en: 'This service needs your ID card. Please place it on the card reader' }} />
        </div>
      ) : null}
      {note ? (
        <div className="priority-note" data-testid="priority-note">
          <Bi t={note} />
        </div>
      ) : null}

      <div className="confirm-actions">
        {needsCard ? null : (
          <button type="button" className="primary huge" data-testid="take-ticket" disabled={busy} onClick={() => void controller.take()}>
            <Bi t={busy ? { zh: '正在取号…', en: 'Taking your ticket…' } : { zh: '确认取号', en: 'Take a ticket' }} />
          </button>
        )}
        <div className="confirm-secondary">
          <button type="button" className="secondary" data-testid="back" disabled={busy} onClick={back}>
            <Bi t={{ zh: '返回', en: 'Back' }} />
          </button>
          <button type="button" className="secondary" data-testid="confirm-guide" onClick={() => openGuide(service.id)}>
            <Bi t={{ zh: '办事指南', en: 'Service guide' }} />
          </button>
        </div>
      </div>

      {byCard || needsCard ? null : (
        <fieldset className="declare">
          <legend>
            <Bi t={{ zh: '如您属于以下人群，可优先办理（自愿选择，窗口将核验证件）', en: 'Priority service for (optional; staff will check your documents)' }} />
          </legend>
          {DECLARABLE.map((r) => (
            <button key={r} type="button" className={`chip${declared === r ? ' on' : ''}`} data-testid={`declare-${r}`} aria-pressed={declared === r} onClick={() => declare(declared === r ? undefined : r)}>
              <Bi t={reasonText(r)} />
            </button>
          ))}
        </fieldset>
      )}
    </section>
  );
}
