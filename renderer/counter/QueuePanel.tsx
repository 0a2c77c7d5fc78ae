/**
 * The side panel: today's counts at this window, calling a number by hand, the queue of the
 * window's services (best first, as "call next" takes them) and issuing a ticket on a
 * citizen's behalf (R13).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { waitingForWindow } from '../../shared/queue/select';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { minutes } from '../i18n/format';
import type { CounterActions } from './actions';
import { SHORTCUTS } from './shortcuts';
import { useCounter } from './store';
import { priorityText, todayCounts } from './windowView';

const SHOWN = 60;

export function QueuePanel({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state, version } = useHall();
  const now = useNow(15_000);
  const busy = useCounter((s) => s.busy);
  const [typed, setTyped] = useState('');
  const queue = useMemo(() => waitingForWindow(state, windowId, now), [state, windowId, now, version]);
  const counts = useMemo(() => todayCounts(state, windowId, now), [state, windowId, now, version]);
  const open = state.windows.get(windowId)?.state === 'open';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void actions.manualCall(typed).then(() => {
      if (useCounter.getState().flash?.kind === 'ok') setTyped('');
    });
  };

  return (
    <aside className="side">
      <div className="counts" data-testid="today-counts">
        <Count label={{ zh: '今日已办', en: 'Served today' }} n={counts.served} testid="count-served" />
        <Count label={{ zh: '过号', en: 'No-shows' }} n={counts.noShow} testid="count-no-show" />
        <Count label={{ zh: '未办成', en: 'Not done' }} n={counts.notDone} testid="count-not-done" />
        <Count label={{ zh: '等候', en: 'Waiting' }} n={queue.length} testid="count-waiting" />
      </div>

      <form className="manual" onSubmit={submit}>
        <label htmlFor="manual-number">
          <Bi t={{ zh: '按号呼叫', en: 'Call a number' }} />
          <kbd>{SHORTCUTS.manual}</kbd>
        </label>
        <div className="manual-row">
          <input id="manual-number" data-testid="manual-number" value={typed} onChange={(e) => setTyped(e.target.value.toUpperCase().slice(0, 8))} placeholder="A012" autoComplete="off" spellCheck={false} />
          <button type="submit" className="btn btn-primary" data-testid="manual-call" disabled={busy || !open}>
            <Bi t={{ zh: '呼叫', en: 'Call' }} />
          </button>
        </div>
      </form>

      <div className="queue-head">
        <Bi t={{ zh: `等候队列（${queue.length} 人）`, en: `Waiting (${queue.length})` }} />
        <button type="button" className="btn btn-small" data-testid="assist-open" onClick={() => useCounter.getState().open({ t: 'assist' })}>
          <Bi t={{ zh: '代办取号', en: 'Issue for citizen' }} />
        </button>
      </div>
      <ol className="queue" data-testid="queue">
        {queue.length === 0 ? (
          <li className="queue-empty" data-testid="queue-empty">
            <Bi t={{ zh: '暂无等候', en: 'Nobody waiting' }} />
          </li>
        ) : null}
        {queue.slice(0, SHOWN).map(({ ticket: t }) => {
          const service = state.config.services.get(t.serviceId);
          return (
            <li key={t.id} className={`queue-row priority-${t.priority}`} data-testid="queue-row" data-number={t.number}>
              <span className="q-number">{t.number}</span>
              <span className="q-service">{service ? <Bi t={service.name} only /> : t.serviceId}</span>
              <span className={`chip chip-priority-${t.priority}`}>
                <Bi t={priorityText(t)} only />
              </span>
              <span className="q-wait">
                <Bi t={minutes(now - t.issuedAt)} only />
              </span>
            </li>
          );
        })}
        {queue.length > SHOWN ? (
          <li className="queue-more">
            <Bi t={{ zh: `另有 ${queue.length - SHOWN} 人`, en: `${queue.length - SHOWN} more` }} />
          </li>
        ) : null}
      </ol>
    </aside>
  );
}

function Count({ label, n, testid }: { label: { zh: string; en: string }; n: number; testid: string }) {
  return (
    <div className="count">
      <span className="count-n" data-testid={testid}>
        {n}
      </span>
      <span className="count-label">
        <Bi t={label} />
      </span>
    </div>
  );
}
