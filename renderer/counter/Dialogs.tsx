/**
 * The counter's small dialogs: settle a called ticket before the next call, a note for "not
 * done" (R18 ledger), transfer, pause with a reason (R10), and issue on a citizen's behalf (R13).
 * Escape closes any of them (shortcuts.ts).
 */
import { useState, type ReactNode } from 'react';
import type { Bilingual } from '../../shared/config/text';
import { PAUSE_REASONS } from '../../shared/windows/pauseReasons';
import { checkNoShow, slowerToArrive } from '../../shared/queue/noShow';
import { useHall, useNow } from '../app/context';
import { Bi } from '../i18n/Bi';
import { useLang } from '../i18n/lang';
import type { CounterActions } from './actions';
import type { MaterialUploader } from '../materials/uploader';
import { CaptureStation } from './capture/CaptureStation';
import { useCounter } from './store';
import { clock, heldTicket, priorityText } from './windowView';

export function Dialogs({ windowId, actions, uploader }: { windowId: string; actions: CounterActions; uploader: MaterialUploader }) {
  const dialog = useCounter((s) => s.dialog);
  const { state } = useHall();
  if (!dialog) return null;
  switch (dialog.t) {
    case 'capture': {
      const t = heldTicket(state, windowId);
      if (!t) return null;
      return (
        <CaptureStation
          ticket={t}
          windowId={windowId}
          uploader={uploader}
          onClose={(done) => {
            useCounter.getState().close();
            if (done) useCounter.getState().say('ok', done);
          }}
        />
      );
    }
    case 'settle':
      return <SettleDialog windowId={windowId} actions={actions} />;
    case 'no-show':
      return <NoShowDialog windowId={windowId} actions={actions} />;
    case 'not-done':
      return <NotDoneDialog windowId={windowId} actions={actions} />;
    case 'transfer':
      return <TransferDialog windowId={windowId} actions={actions} />;
    case 'pause':
      return <PauseDialog actions={actions} />;
    case 'assist':
      return <AssistDialog windowId={windowId} actions={actions} />;
  }
}

function Modal({ title, testid, children }: { title: Bilingual; testid: string; children: ReactNode }) {
  const close = useCounter((s) => s.close);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal" role="dialog" aria-modal="true" data-testid={testid}>
        <h2>
          <Bi t={title} />
        </h2>
        {children}
      </div>
    </div>
  );
}

function Cancel() {
  const close = useCounter((s) => s.close);
  return (
    <button type="button" className="btn" data-testid="dialog-cancel" onClick={close}>
      <Bi t={{ zh: '取消', en: 'Cancel' }} />
      <kbd>Esc</kbd>
    </button>
  );
}

function SettleDialog({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const now = useNow(1_000);
  const t = heldTicket(state, windowId);
  const n = t?.number ?? '';
  // Issue 17: no-show only after the policy's grace from the call.
  const check = t ? checkNoShow(state.config.policy, t, now) : undefined;
  const early = check && !check.ok && check.reason === 'too-early' ? check.remainingMs : undefined;
  return (
    <Modal title={{ zh: `${n} 已呼叫，尚未开始办理`, en: `${n} was called but not started` }} testid="settle-dialog">
      <p>
        <Bi t={{ zh: '叫下一位之前，请确认这位群众的情况：', en: 'Before calling the next one, what happened with this citizen?' }} />
      </p>
      <div className="modal-buttons">
        <button type="button" className="btn btn-warn btn-big" data-testid="settle-skip" autoFocus={early === undefined} disabled={early !== undefined} onClick={() => void actions.settle('skip')}>
          <Bi t={early === undefined ? { zh: '未到，过号', en: 'Did not come: no-show' } : { zh: `未到，${clock(Math.ceil(early / 1000) * 1000)} 后可过号`, en: `Did not come: no-show in ${clock(Math.ceil(early / 1000) * 1000)}` }} />
        </button>
        <button type="button" className="btn btn-ok btn-big" data-testid="settle-done" onClick={() => void actions.settle('done')}>
          <Bi t={{ zh: '已办结', en: 'Served: done' }} />
        </button>
        <Cancel />
      </div>
    </Modal>
  );
}

/** 过号, issue 17: the clerk confirms, after the grace; a recall is one press away. */
function NoShowDialog({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const now = useNow(1_000);
  const t = heldTicket(state, windowId);
  if (!t) return null;
  const calledFor = clock(now - (t.calledAt ?? now));
  const back = state.config.policy.skipGraceMinutes;
  const priority = slowerToArrive(t) ? priorityText(t) : undefined;
  return (
    <Modal title={{ zh: `确认 ${t.number} 过号？`, en: `Mark ${t.number} as a no-show?` }} testid="no-show-dialog">
      <p>
        <Bi
          t={{
            zh: `已呼叫 ${calledFor}${t.recalls > 0 ? `，重呼 ${t.recalls} 次` : ''}。过号后，群众可在 ${back} 分钟内到窗口说明，重新排队。`,
            en: `Called ${calledFor} ago${t.recalls > 0 ? `, recalled ${t.recalls}×` : ''}. After a no-show the citizen may come back within ${back} min and queue again.`,
          }}
        />
      </p>
      {priority ? (
        <p className="hint" data-testid="no-show-priority">
          <Bi t={{ zh: `这是优先号（${priority.zh}），请确认群众确实未到。`, en: `Priority ticket (${priority.en}): make sure the citizen is really not here.` }} />
        </p>
      ) : null}
      <div className="modal-buttons">
        <button type="button" className="btn btn-warn btn-big" data-testid="no-show-confirm" autoFocus onClick={() => void actions.confirmSkip()}>
          <Bi t={{ zh: '确认过号', en: 'Yes, no-show' }} />
        </button>
        <button
          type="button"
          className="btn btn-big"
          data-testid="no-show-recall"
          onClick={() => {
            useCounter.getState().close();
            void actions.recall();
          }}
        >
          <Bi t={{ zh: '再呼一次', en: 'Call again' }} />
        </button>
        <Cancel />
      </div>
    </Modal>
  );
}

function NotDoneDialog({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const t = heldTicket(state, windowId);
  const [note, setNote] = useState('');
  const ok = note.trim().length >= 2;
  return (
    <Modal title={{ zh: `${t?.number ?? ''} 未办成`, en: `${t?.number ?? ''}: not done` }} testid="not-done-dialog">
      <p>
        <Bi t={{ zh: '将记入“办不成事”台账。请简要说明问题：', en: 'This goes into the "can\'t get it done" ledger. Say briefly what the problem was:' }} />
      </p>
      <textarea data-testid="finish-note" value={note} maxLength={500} rows={3} autoFocus onChange={(e) => setNote(e.target.value)} />
      <div className="modal-buttons">
        <button type="button" className="btn btn-danger btn-big" data-testid="finish-confirm" disabled={!ok} onClick={() => void actions.finish('not-done', note.trim())}>
          <Bi t={{ zh: '确认未办成', en: 'Record as not done' }} />
        </button>
        <Cancel />
      </div>
    </Modal>
  );
}

function TransferDialog({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const lang = useLang((s) => s.lang);
  const t = heldTicket(state, windowId);
  const [service, setService] = useState('');
  const [win, setWin] = useState('');
  const services = [...state.config.services.values()];
  const windows = [...state.config.windows.values()].filter((w) => w.id !== windowId);
  const name = (b: Bilingual) => (lang === 'zh' ? `${b.zh} ${b.en}` : `${b.en} ${b.zh}`);
  return (
    <Modal title={{ zh: `转办 ${t?.number ?? ''}`, en: `Transfer ${t?.number ?? ''}` }} testid="transfer-dialog">
      <label className="field">
        <Bi t={{ zh: '转往事项', en: 'To service' }} />
        <select data-testid="transfer-service" value={service} onChange={(e) => setService(e.target.value)} autoFocus>
          <option value="">{lang === 'zh' ? '（事项不变）' : '(same service)'}</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {name(s.name)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <Bi t={{ zh: '转往窗口', en: 'To window' }} />
        <select data-testid="transfer-window" value={win} onChange={(e) => setWin(e.target.value)}>
          <option value="">{lang === 'zh' ? '（任一可办理窗口）' : '(any window for the service)'}</option>
          {windows.map((w) => (
            <option key={w.id} value={w.id}>
              {lang === 'zh' ? `${w.label} 号窗口` : `Window ${w.label}`}
              {w.name ? ` · ${lang === 'zh' ? w.name.zh : w.name.en}` : ''}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">
        <Bi
          t={
            state.config.policy.transferKeepsIssueTime
              ? { zh: '群众保留原取号时间，在新队列中等候叫号。', en: 'The citizen keeps their place by ticket time and waits in the new queue.' }
              : { zh: '群众从现在起在新队列中排队等候。', en: 'The citizen queues in the new queue from now on.' }
          }
        />
      </p>
      <div className="modal-buttons">
        <button
          type="button"
          className="btn btn-primary btn-big"
          data-testid="transfer-confirm"
          disabled={!service && !win}
          onClick={() => void actions.transfer({ ...(service ? { toServiceId: service } : {}), ...(win ? { toWindowId: win } : {}) })}
        >
          <Bi t={{ zh: '确认转办', en: 'Transfer' }} />
        </button>
        <Cancel />
      </div>
    </Modal>
  );
}

function PauseDialog({ actions }: { actions: CounterActions }) {
  const [custom, setCustom] = useState('');
  return (
    <Modal title={{ zh: '暂停服务', en: 'Pause service' }} testid="pause-dialog">
      <p>
        <Bi t={{ zh: '窗口屏、评价器和大屏将显示“暂停服务”。请选择原因：', en: 'The window strip, evaluator and board will show "Service paused". Pick a reason:' }} />
      </p>
      <div className="reason-grid">
        {PAUSE_REASONS.map((r) => (
          <button key={r.id} type="button" className="btn btn-big" data-testid={`pause-reason-${r.id}`} onClick={() => void actions.pause(r.zh)}>
            <Bi t={r} />
          </button>
        ))}
      </div>
      <div className="manual-row">
        <input data-testid="pause-custom" value={custom} maxLength={80} placeholder="其他原因 / Other reason" onChange={(e) => setCustom(e.target.value)} />
        <button type="button" className="btn btn-primary" data-testid="pause-confirm" disabled={!custom.trim()} onClick={() => void actions.pause(custom)}>
          <Bi t={{ zh: '暂停', en: 'Pause' }} />
        </button>
      </div>
      <div className="modal-buttons">
        <Cancel />
      </div>
    </Modal>
  );
}

function AssistDialog({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const busy = useCounter((s) => s.busy);
  const own = new Set(state.config.windows.get(windowId)?.services.map((s) => s.serviceId) ?? []);
  // The window's own services first: most assisted tickets are for what this window does.
  const services = [...state.config.services.values()].sort((a, b) => Number(own.has(b.id)) - Number(own.has(a.id)));
  const [serviceId, setServiceId] = useState(services[0]?.id ?? '');
  const [green, setGreen] = useState(false);
  return (
    <Modal title={{ zh: '代办取号', en: 'Issue a ticket for a citizen' }} testid="assist-dialog">
      <div className="service-grid">
        {services.map((s) => (
          <button key={s.id} type="button" className={`btn${serviceId === s.id ? ' btn-selected' : ''}`} aria-pressed={serviceId === s.id} data-testid={`assist-service-${s.id}`} onClick={() => setServiceId(s.id)}>
            <Bi t={s.name} />
          </button>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" data-testid="assist-green" checked={green} onChange={(e) => setGreen(e.target.checked)} />
        <Bi t={{ zh: '绿色通道（重点项目、特殊群体，优先叫号）', en: 'Green channel (key projects, special groups: called first)' }} />
      </label>
      <div className="modal-buttons">
        <button type="button" className="btn btn-primary btn-big" data-testid="assist-issue" disabled={!serviceId || busy} onClick={() => void actions.assist(serviceId, green)}>
          <Bi t={{ zh: '取号', en: 'Issue ticket' }} />
        </button>
        <Cancel />
      </div>
    </Modal>
  );
}
