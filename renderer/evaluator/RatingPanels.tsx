/**
 * The citizen's rating (R8): five big levels, the reasons for the two lowest, and thanks.
 * Levels run left to right from 非常满意 to 非常不满意, as on the hall's hardware keypads.
 */
import type { Bilingual } from '../../shared/config/text';
import type { TicketState } from '../../shared/fold/state';
import { BAD_RATING_REASONS, RATING_LABELS, RECTIFY_WITHIN_DAYS, isBadRating, type RatingLevel } from '../../shared/ratings/levels';
import { useHall, useNow, useTerminal } from '../app/context';
import { Bi } from '../i18n/Bi';
import type { RatingPhase } from './ratingMachine';

const LEVELS: RatingLevel[] = [5, 4, 3, 2, 1];

/** A face drawn as SVG (no emoji font needed): the mouth bends with the level. */
function Face({ level }: { level: RatingLevel }) {
  const bend = { 5: 14, 4: 8, 3: 0, 2: -8, 1: -14 }[level];
  return (
    <svg className="face" viewBox="0 0 100 100" aria-hidden="true">
      <circle cx="50" cy="50" r="46" fill="currentColor" opacity="0.16" />
      <circle cx="50" cy="50" r="46" fill="none" stroke="currentColor" strokeWidth="5" />
      <circle cx="35" cy="40" r="5.5" fill="currentColor" />
      <circle cx="65" cy="40" r="5.5" fill="currentColor" />
      <path d={`M30 ${66 - bend / 2} Q50 ${66 + bend} 70 ${66 - bend / 2}`} fill="none" stroke="currentColor" strokeWidth="5" strokeLinecap="round" />
    </svg>
  );
}

function useTicket(ticketId: string): { ticket: TicketState | undefined; service: Bilingual | undefined; staffName: string | undefined } {
  const { state } = useHall();
  const ticket = state.tickets.get(ticketId);
  const service = ticket ? state.config.services.get(ticket.serviceId)?.name : undefined;
  const staffName = ticket?.staffId ? state.config.staff.get(ticket.staffId)?.name : undefined;
  return { ticket, service, staffName };
}

function Countdown({ since }: { since: number }) {
  const { terminal } = useTerminal();
  const { state } = useHall();
  useNow(1_000);
  const left = Math.max(0, Math.ceil((since + state.config.policy.ratingTimeoutSeconds * 1000 - terminal.local.now()) / 1000));
  return (
    <p className="countdown" data-testid="rating-countdown">
      <Bi t={{ zh: `${left} 秒后自动结束`, en: `Closes in ${left} s` }} />
    </p>
  );
}

function TicketLine({ ticketId }: { ticketId: string }) {
  const { ticket, service, staffName } = useTicket(ticketId);
  if (!ticket) return null;
  return (
    <p className="rating-ticket" data-testid="rating-ticket">
      <span className="rating-number">{ticket.number}</span>
      {service ? <Bi t={service} /> : null}
      {staffName ? <Bi t={{ zh: `经办人 ${staffName}`, en: `served by ${staffName}` }} /> : null}
    </p>
  );
}

export function RatePanel({ phase, onPick }: { phase: Extract<RatingPhase, { t: 'rate' }>; onPick: (l: RatingLevel) => void }) {
  return (
    <section className="rating" data-testid="rating">
      <h1>
        <Bi t={{ zh: '请您对本次服务进行评价', en: 'Please rate the service you received' }} />
      </h1>
      <TicketLine ticketId={phase.ticketId} />
      <div className="levels">
        {LEVELS.map((l) => (
          <button key={l} type="button" className={`level level-${l}`} data-testid={`rate-${l}`} onClick={() => onPick(l)}>
            <Face level={l} />
            <Bi t={RATING_LABELS[l]} />
          </button>
        ))}
      </div>
      <Countdown since={phase.since} />
    </section>
  );
}

export function ReasonsPanel({ phase, onToggle, onSubmit, onBack }: { phase: Extract<RatingPhase, { t: 'reasons' }>; onToggle: (r: string) => void; onSubmit: () => void; onBack: () => void }) {
  return (
    <section className="rating reasons" data-testid="reasons">
      <h1>
        <Bi t={{ zh: `您选择了“${RATING_LABELS[phase.level].zh}”，请告诉我们原因（可多选）`, en: `You chose "${RATING_LABELS[phase.level].en}". Please tell us why (pick one or more)` }} />
      </h1>
      <TicketLine ticketId={phase.ticketId} />
      <div className="reason-grid">
        {BAD_RATING_REASONS.map((r) => {
          const on = phase.reasons.includes(r.id);
          return (
            <button key={r.id} type="button" className={`reason${on ? ' on' : ''}`} aria-pressed={on} data-testid={`reason-${r.id}`} onClick={() => onToggle(r.id)}>
              <span className="tick" aria-hidden="true">
                {on ? '✓' : ''}
              </span>
              <Bi t={r} />
            </button>
          );
        })}
      </div>
      <div className="reason-actions">
        <button type="button" className="btn-eval" data-testid="rating-back" onClick={onBack}>
          <Bi t={{ zh: '重新选择', en: 'Choose again' }} />
        </button>
        <button type="button" className="btn-eval btn-eval-primary" data-testid="submit-rating" disabled={phase.reasons.length === 0} onClick={onSubmit}>
          <Bi t={phase.reasons.length === 0 ? { zh: '请至少选择一项原因', en: 'Pick at least one reason' } : { zh: '提交评价', en: 'Submit' }} />
        </button>
      </div>
      <Countdown since={phase.since} />
    </section>
  );
}

export function ThanksPanel({ phase }: { phase: Extract<RatingPhase, { t: 'thanks' }> }) {
  const bad = phase.level !== null && isBadRating(phase.level);
  return (
    <section className="thanks" data-testid="thanks" data-level={phase.level ?? 'none'}>
      <div className="thanks-mark" aria-hidden="true">
        ✓
      </div>
      <h1>
        <Bi t={{ zh: '感谢您的评价！', en: 'Thank you for your rating!' }} />
      </h1>
      {phase.level !== null ? (
        <p>
          <Bi t={{ zh: `您的评价：${RATING_LABELS[phase.level].zh}`, en: `Your rating: ${RATING_LABELS[phase.level].en}` }} />
        </p>
      ) : null}
      <p className="thanks-note">
        <Bi
          t={
            bad
              ? { zh: `我们将在 ${RECTIFY_WITHIN_DAYS} 日内核实整改，并向您反馈。`, en: `We will look into it and put it right within ${RECTIFY_WITHIN_DAYS} days, and let you know.` }
              : { zh: '您的意见是我们改进工作的动力。', en: 'Your opinion helps us serve you better.' }
          }
        />
      </p>
    </section>
  );
}
