/**
 * 评价器: the tablet facing the citizen at a window (1280x800 landscape). It shows the clerk's
 * public card (R9) and the ticket being served; right after a service, the five rating levels
 * (R8, one rating per served ticket); 暂停服务 while the window is paused (R10).
 */
import { pauseReasonText } from '../../shared/windows/pauseReasons';
import { currentTicketToday, windowStateToday } from '../../shared/fold/today';
import { localDate } from '../../shared/schedule/zone';
import { StatusBanner } from '../app/StatusBanner';
import { useHall, useNow, useTerminal } from '../app/context';
import { Bi } from '../i18n/Bi';
import { hhmm } from '../i18n/format';
import { useLang } from '../i18n/lang';
import { RatePanel, ReasonsPanel, ThanksPanel } from './RatingPanels';
import { StaffCard } from './StaffCard';
import { useRating } from './useRating';
import { hotlineText } from '../../shared/config/hotline';

export function EvaluatorApp() {
  const { identity } = useTerminal();
  if (!identity.windowId) {
    return (
      <div className="evaluator">
        <StatusBanner />
        <div className="boot" data-testid="no-window">
          <Bi t={{ zh: '本评价器未绑定窗口，请联系大厅信息管理员。', en: 'This evaluator is not assigned to a window. Please call hall IT.' }} />
        </div>
      </div>
    );
  }
  return <EvaluatorScreen windowId={identity.windowId} />;
}

const OFFLINE_NOTE = { zh: '评价照常记录，联网后自动上传', en: 'ratings are kept and sent when the network is back' };

function EvaluatorScreen({ windowId }: { windowId: string }) {
  const { state } = useHall();
  const rating = useRating(windowId);
  const w = state.windows.get(windowId);
  const { phase } = rating;

  let body;
  if (phase.t === 'rate') body = <RatePanel phase={phase} onPick={rating.pick} />;
  else if (phase.t === 'reasons') body = <ReasonsPanel phase={phase} onToggle={rating.toggle} onSubmit={rating.submit} onBack={rating.back} />;
  else if (phase.t === 'thanks') body = <ThanksPanel phase={phase} />;
  else if (!w || w.state === 'closed') body = <ClosedSign />;
  else if (w.state === 'paused') body = <PausedSign reason={w.pauseReason} />;
  else body = <Serving windowId={windowId} />;

  return (
    <div className="evaluator" data-window={windowId} data-phase={phase.t}>
      <StatusBanner offlineNote={OFFLINE_NOTE} />
      <Header windowId={windowId} />
      <main className="eval-main">{body}</main>
    </div>
  );
}

function Header({ windowId }: { windowId: string }) {
  const { state } = useHall();
  const now = useNow(10_000);
  const { lang, toggle } = useLang();
  const win = state.config.windows.get(windowId);
  const label = win?.label ?? windowId;
  return (
    <header className="eval-header">
      <div className="eval-window">
        <span className="eval-label" data-testid="window-label">
          <Bi t={{ zh: `${label} 号窗口`, en: `Window ${label}` }} />
        </span>
        {win?.name ? (
          <span className="eval-name">
            <Bi t={win.name} />
          </span>
        ) : null}
      </div>
      <div className="eval-right">
        <span className="eval-hall">
          <Bi t={state.config.policy.hallName} />
        </span>
        <span className="eval-clock">{hhmm(now, state.config.schedule.timeZone)}</span>
        <button type="button" className="lang-btn" data-testid="lang" onClick={toggle}>
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      </div>
    </header>
  );
}

function Serving({ windowId }: { windowId: string }) {
  const { state } = useHall();
  const w = state.windows.get(windowId);
  // Issue 17: a window left open on a past day shows no clerk and no ticket of that day.
  const zone = state.config.schedule.timeZone;
  const today = localDate(useNow(60_000), zone);
  const openToday = windowStateToday(w, today, zone) !== 'closed';
  const staff = openToday && w?.staffId ? state.config.staff.get(w.staffId) : undefined;
  const t = currentTicketToday(state, w, today);
  const serving = t && t.windowId === windowId && (t.status === 'called' || t.status === 'serving') ? t : undefined;
  const service = serving ? state.config.services.get(serving.serviceId)?.name : undefined;
  return (
    <div className="eval-idle">
      {staff ? (
        <StaffCard staff={staff} />
      ) : (
        <section className="staff-card staff-card-empty">
          <Bi t={{ zh: '工作人员尚未登录', en: 'No clerk has signed in yet' }} />
        </section>
      )}
      <section className="serving-panel">
        {serving ? (
          <>
            <div className="serving-head">
              <Bi t={serving.status === 'serving' ? { zh: '正在办理', en: 'Now serving' } : { zh: '请以下号码到本窗口', en: 'Now calling' }} />
            </div>
            <div className="serving-number" data-testid="serving-number">
              {serving.number}
            </div>
            {service ? (
              <div className="serving-service">
                <Bi t={service} />
              </div>
            ) : null}
          </>
        ) : (
          <>
            <div className="serving-head">
              <Bi t={{ zh: '欢迎您', en: 'Welcome' }} />
            </div>
            <div className="serving-wait">
              <Bi t={{ zh: '请留意大屏叫号', en: 'Please watch the board for your number' }} />
            </div>
          </>
        )}
        <div className="hotline">
          <Bi t={hotlineText(state.config.policy.hotline)} />
        </div>
      </section>
    </div>
  );
}

function PausedSign({ reason }: { reason: string | undefined }) {
  const text = pauseReasonText(reason);
  return (
    <section className="sign sign-paused" data-testid="paused">
      <div className="sign-title">
        <Bi t={{ zh: '暂停服务', en: 'Service paused' }} />
      </div>
      {text ? (
        <div className="sign-reason" data-testid="paused-reason">
          <Bi t={{ zh: `原因：${text.zh}`, en: `Reason: ${text.en}` }} />
        </div>
      ) : null}
      <div className="sign-note">
        <Bi t={{ zh: '请稍候，或到其他窗口办理', en: 'Please wait, or go to another window' }} />
      </div>
    </section>
  );
}

function ClosedSign() {
  return (
    <section className="sign sign-closed" data-testid="closed">
      <div className="sign-title">
        <Bi t={{ zh: '窗口未开放', en: 'Window not open' }} />
      </div>
      <div className="sign-note">
        <Bi t={{ zh: '请到其他窗口办理', en: 'Please go to another window' }} />
      </div>
    </section>
  );
}
