/**
 * The clerk's main area: the ticket at the window (big), what can be done with it, a lost call
 * conflict said plainly, the last message, and the one big "call next" key.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { Bilingual } from '../../shared/config/text';
import type { TicketState } from '../../shared/fold/state';
import { pauseReasonText } from '../../shared/windows/pauseReasons';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { hhmm } from '../i18n/format';
import type { CounterActions } from './actions';
import { lastFinishedToday } from './lastCard';
import { SHORTCUTS } from './shortcuts';
import { SkipButton } from './SkipButton';
import { useCounter } from './store';
import { clock, conflictMessage, heldTicket, priorityText, statusText } from './windowView';

export function ActionButton(p: { testid: string; label: Bilingual; kbd?: string; onClick: () => void; disabled?: boolean; tone?: 'primary' | 'warn' | 'danger' | 'ok' }) {
  return (
    <button
      type="button"
      className={`btn action${p.tone ? ` btn-${p.tone}` : ''}`}
      data-testid={p.testid}
      disabled={p.disabled}
      // Buttons do not take focus on click: Space stays "call next" (see shortcuts.ts).
      onMouseDown={(e) => e.preventDefault()}
      onClick={p.onClick}
    >
      <Bi t={p.label} />
      {p.kbd ? <kbd>{p.kbd}</kbd> : null}
    </button>
  );
}

export function Workbench({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const busy = useCounter((s) => s.busy);
  const w = state.windows.get(windowId);
  const held = heldTicket(state, windowId);
  const paused = w?.state === 'paused';
  const closed = !w || w.state === 'closed';
  const called = held?.status === 'called';

  return (
    <section className="workbench">
      <div className="current-area">
        {paused ? <PausedCard reason={w.pauseReason} since={w.since} onResume={actions.resume} /> : closed ? <ClosedCard onOpen={actions.openWindow} /> : held ? <TicketCard t={held} /> : <IdleCard windowId={windowId} />}
      </div>
      <ConflictBar windowId={windowId} onCallNext={actions.callNext} />
      <FlashBar />
      <div className="actions">
        <ActionButton testid="recall" label={{ zh: '重呼', en: 'Recall' }} kbd={SHORTCUTS.recall} onClick={() => void actions.recall()} disabled={busy || !called} />
        <ActionButton testid="start" label={{ zh: '开始办理', en: 'Start' }} kbd={SHORTCUTS.start} onClick={() => void actions.start()} disabled={busy || !called} />
        <SkipButton windowId={windowId} actions={actions} />
        <ActionButton testid="capture-open" label={{ zh: '收件拍照', en: 'Capture' }} kbd={SHORTCUTS.capture} onClick={() => useCounter.getState().open({ t: 'capture' })} disabled={busy || !held} />
        <ActionButton testid="transfer" label={{ zh: '转办', en: 'Transfer' }} kbd={SHORTCUTS.transfer} onClick={() => useCounter.getState().open({ t: 'transfer' })} disabled={busy || !held} />
        <ActionButton testid="finish-done" label={{ zh: '办结', en: 'Done' }} kbd={SHORTCUTS.finish} onClick={() => void actions.finish('done')} disabled={busy || !held} tone="ok" />
        <ActionButton testid="finish-needs-material" label={{ zh: '需补材料', en: 'Needs material' }} onClick={() => void actions.finish('needs-material')} disabled={busy || !held} />
        <ActionButton testid="finish-not-done" label={{ zh: '未办成', en: 'Not done' }} onClick={() => useCounter.getState().open({ t: 'not-done' })} disabled={busy || !held} tone="danger" />
        {paused ? (
          <ActionButton testid="resume" label={{ zh: '恢复服务', en: 'Resume' }} kbd={SHORTCUTS.pause} onClick={() => void actions.resume()} disabled={busy} tone="primary" />
        ) : (
          <ActionButton testid="pause" label={{ zh: '暂停服务', en: 'Pause' }} kbd={SHORTCUTS.pause} onClick={() => useCounter.getState().open({ t: 'pause' })} disabled={busy || closed} />
        )}
      </div>
      <button
        type="button"
        className="call-next"
        data-testid="call-next"
        disabled={busy || paused || closed}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => void actions.callNext()}
      >
        <span className="call-next-label">
          <Bi t={paused ? { zh: '暂停中 · 先恢复服务', en: 'Paused · resume first' } : closed ? { zh: '窗口未开放', en: 'Window closed' } : busy ? { zh: '正在处理…', en: 'Working…' } : { zh: '叫下一位', en: 'Call next' }} />
        </span>
        <kbd>{SHORTCUTS.callNext}</kbd>
      </button>
    </section>
  );
}

function TicketCard({ t }: { t: TicketState }) {
  const { state } = useHall();
  const now = useNow(1_000);
  const service = state.config.services.get(t.serviceId);
  const since = t.status === 'serving' ? (t.startedAt ?? now) : (t.calledAt ?? now);
  return (
    <div className={`ticket-card status-${t.status}`} data-testid="current-ticket" data-status={t.status}>
      <div className="ticket-main">
        <div className="ticket-number" data-testid="current-number">
          {t.number}
        </div>
        <div className="ticket-facts">
          <span className={`chip chip-${t.status}`} data-testid="current-status">
            <Bi t={statusText(t.status)} />
          </span>
          <span className="ticket-service">{service ? <Bi t={service.name} /> : t.serviceId}</span>
          <span className={`chip chip-priority-${t.priority}`}>
            <Bi t={priorityText(t)} />
          </span>
        </div>
      </div>
      <div className="ticket-meta">
        <span className="timer" data-testid="current-timer">
          <Bi t={t.status === 'serving' ? { zh: `办理 ${clock(now - since)}`, en: `serving ${clock(now - since)}` } : { zh: `呼叫后 ${clock(now - since)}`, en: `called ${clock(now - since)} ago` }} />
        </span>
        {t.recalls > 0 ? (
          <span>
            <Bi t={{ zh: `已重呼 ${t.recalls} 次`, en: `recalled ${t.recalls}×` }} />
          </span>
        ) : null}
        {t.channel === 'assisted' ? (
          <span>
            <Bi t={{ zh: '代办取号', en: 'assisted ticket' }} />
          </span>
        ) : null}
        {t.person?.nameMasked ? <span>{t.person.nameMasked}</span> : null}
        {t.materials?.length ? (
          <span className="chip chip-materials" data-testid="current-materials" data-materials={t.materials.length} data-pages={t.materials.reduce((n, m) => n + m.pages, 0)}>
            <Bi t={{ zh: `已收材料 ${t.materials.length} 份 / ${t.materials.reduce((n, m) => n + m.pages, 0)} 页`, en: `${t.materials.length} materials, ${t.materials.reduce((n, m) => n + m.pages, 0)} pages` }} />
          </span>
        ) : null}
        <span>
          <Bi t={{ zh: `取号 ${hhmm(t.issuedAt, state.config.schedule.timeZone)}`, en: `issued ${hhmm(t.issuedAt, state.config.schedule.timeZone)}` }} />
        </span>
      </div>
    </div>
  );
}

function IdleCard({ windowId }: { windowId: string }) {
  const { state } = useHall();
  // Only today's, only this window's (issue 17: a past day's ticket showed after sign-in).
  const last = lastFinishedToday(state, windowId, useNow(60_000));
  return (
    <div className="ticket-card idle" data-testid="current-ticket" data-status="none">
      <div className="idle-title">
        <Bi t={{ zh: '窗口空闲', en: 'Ready for the next citizen' }} />
      </div>
      <div className="idle-hint">
        <Bi t={{ zh: `按“叫下一位”或 ${SHORTCUTS.callNext} 呼叫`, en: `Press "Call next" or ${SHORTCUTS.callNext}` }} />
      </div>
      {last ? (
        <div className="idle-last" data-testid="last-finished">
          <Bi t={{ zh: `上一位 ${last.number}：${ratingWord(last).zh}`, en: `Last: ${last.number}, ${ratingWord(last).en}` }} />
        </div>
      ) : null}
    </div>
  );
}

function ratingWord(t: TicketState): Bilingual {
  if (!t.rating) return { zh: '等待评价', en: 'awaiting rating' };
  if (t.rating.level === null) return { zh: '未评价', en: 'not rated' };
  const words: Record<number, Bilingual> = {
    5: { zh: '非常满意', en: 'very satisfied' },
    4: { zh: '满意', en: 'satisfied' },
    3: { zh: '基本满意', en: 'fairly satisfied' },
    2: { zh: '不满意', en: 'dissatisfied' },
    1: { zh: '非常不满意', en: 'very dissatisfied' },
  };
  return words[t.rating.level]!;
}

function PausedCard({ reason, since, onResume }: { reason: string | undefined; since: number; onResume: () => void }) {
  const { state } = useHall();
  const now = useNow(1_000);
  const text = pauseReasonText(reason);
  return (
    <div className="ticket-card paused" data-testid="paused-card">
      <div className="idle-title">
        <Bi t={{ zh: '暂停服务', en: 'Service paused' }} />
      </div>
      {text ? (
        <div className="idle-hint">
          <Bi t={{ zh: `原因：${text.zh}`, en: `Reason: ${text.en}` }} />
        </div>
      ) : null}
      <div className="idle-last">
        <Bi t={{ zh: `自 ${hhmm(since, state.config.schedule.timeZone)} 起，已 ${clock(now - since)}`, en: `since ${hhmm(since, state.config.schedule.timeZone)}, ${clock(now - since)}` }} />
      </div>
      <button type="button" className="btn btn-primary btn-big" onMouseDown={(e) => e.preventDefault()} onClick={onResume}>
        <Bi t={{ zh: '恢复服务', en: 'Resume service' }} />
      </button>
    </div>
  );
}

function ClosedCard({ onOpen }: { onOpen: () => void }) {
  return (
    <div className="ticket-card closed" data-testid="closed-card">
      <div className="idle-title">
        <Bi t={{ zh: '窗口已关闭', en: 'Window closed' }} />
      </div>
      <button type="button" className="btn btn-primary btn-big" data-testid="open-window" onClick={onOpen}>
        <Bi t={{ zh: '开启窗口', en: 'Open the window' }} />
      </button>
    </div>
  );
}

function ConflictBar({ windowId, onCallNext }: { windowId: string; onCallNext: () => void }) {
  const { state } = useHall();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const c = state.windows.get(windowId)?.conflict;
  const conflictId = c?.eventId;
  // The "called A012" message of the call that lost no longer holds.
  useEffect(() => {
    if (conflictId) useCounter.getState().clearFlash();
  }, [conflictId]);
  if (!c || dismissed === c.eventId) return null;
  return (
    <div className="conflict" role="alert" data-testid="conflict">
      <Bi t={conflictMessage(state, c)} />
      <div className="conflict-buttons">
        <button type="button" className="btn btn-primary" data-testid="conflict-call-next" onMouseDown={(e) => e.preventDefault()} onClick={onCallNext}>
          <Bi t={{ zh: '叫下一位', en: 'Call next' }} />
        </button>
        <button type="button" className="btn" onMouseDown={(e) => e.preventDefault()} onClick={() => setDismissed(c.eventId)}>
          <Bi t={{ zh: '知道了', en: 'OK' }} />
        </button>
      </div>
    </div>
  );
}

function FlashBar(): ReactNode {
  const flash = useCounter((s) => s.flash);
  if (!flash) return <div className="flash flash-empty" />;
  return (
    <div className={`flash flash-${flash.kind}`} data-testid="flash" data-kind={flash.kind} role={flash.kind === 'error' ? 'alert' : 'status'}>
      <Bi t={flash.text} />
    </div>
  );
}
