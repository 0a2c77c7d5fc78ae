/**
 * Pieces the bad-rating and ledger screens share: the counts, the filter bar, the step history
 * (who recorded what, when) and the step form, which checks before it records and keeps what
 * was typed when it refuses.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import type { PayloadOf } from '../../../shared/events/payloads';
import type { HallState, RectificationItem } from '../../../shared/fold/state';
import { localDate } from '../../../shared/schedule/zone';
import { useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { hhmm } from '../../i18n/format';
import { useLang } from '../../i18n/lang';
import { Button, Field, OutcomeNote, type Outcome } from '../editors/Form';
import { recordStep } from './changes';
import {
  FILTERS,
  actionLabel,
  assigneeName,
  availability,
  closedWithLabel,
  nextAction,
  recordedBy,
  timing,
  timingText,
  type ClosedWith,
  type RectifyFilter,
  type StepAction,
  type Timing,
} from './rectifyModel';

/** "2026-11-23 10:05" in the hall's time zone. */
export function when(ms: number, timeZone: string): string {
  return `${localDate(ms, timeZone)} ${hhmm(ms, timeZone)}`;
}

/** Rows a list renders at most (the most urgent first); the counts and the CSV cover them all. */
export const MAX_ROWS = 300;

export function MoreRows({ shown, total, columns }: { shown: number; total: number; columns: number }) {
  if (total <= shown) return null;
  return (
    <tr className="rx-more">
      <td colSpan={columns} className="muted">
        <Bi t={{ zh: `仅显示最紧急的 ${shown} 条，共 ${total} 条；请用上方筛选缩小范围`, en: `Showing the ${shown} most urgent of ${total}; use the filters above to narrow the list` }} />
      </td>
    </tr>
  );
}

/** The stable selector name of each action (`[data-action="verify"]`). */
export const ACTION_NAMES: Record<StepAction, string> = {
  assigned: 'assign',
  verified: 'verify',
  rectified: 'rectify',
  closed: 'close',
  reopened: 'reopen',
  ledger: 'ledger',
};

function buttonLabel(action: StepAction, kind: RectificationItem['kind']): Bilingual {
  switch (action) {
    case 'assigned':
      return { zh: '指派', en: 'Assign' };
    case 'verified':
      return { zh: '记录核实', en: 'Verify' };
    case 'rectified':
      return kind === 'not-done' ? { zh: '记录解决', en: 'Resolve' } : { zh: '记录整改', en: 'Rectify' };
    case 'closed':
      return kind === 'not-done' ? { zh: '结果核查', en: 'Result check' } : { zh: '办结', en: 'Close' };
    case 'reopened':
      return { zh: '重新打开', en: 'Reopen' };
    case 'ledger':
      return { zh: '填写台账', en: 'Edit ledger' };
  }
}

export interface CountTile {
  key: string;
  label: Bilingual;
  value: string | number;
  tone?: 'bad' | 'good' | 'warn';
}

export function CountTiles({ tiles }: { tiles: CountTile[] }) {
  return (
    <section className="rx-counts" data-testid="rectify-counts">
      {tiles.map((t) => (
        <div key={t.key} className={`kpi rx-count${t.tone ? ` rx-count-${t.tone}` : ''}`} data-count={t.key} data-value={t.value}>
          <span className="kpi-value">{t.value}</span>
          <span className="kpi-label">
            <Bi t={t.label} />
          </span>
        </div>
      ))}
    </section>
  );
}

export function FilterBar({ value, onChange, count }: { value: RectifyFilter; onChange: (f: RectifyFilter) => void; count: (f: RectifyFilter) => number }) {
  return (
    <div className="rx-filters" role="tablist" aria-label="筛选 / Filter">
      {FILTERS.map((f) => (
        <button
          key={f.id}
          type="button"
          role="tab"
          aria-selected={f.id === value}
          className={`rx-filter${f.id === value ? ' rx-filter-on' : ''}${f.id === 'overdue' && count('overdue') > 0 ? ' rx-filter-bad' : ''}`}
          data-filter={f.id}
          onClick={() => onChange(f.id)}
        >
          <Bi t={f.label} />
          <span className="rx-filter-n">{count(f.id)}</span>
        </button>
      ))}
    </div>
  );
}

/** Days left / overdue, red when overdue, amber on its last days. */
export function TimingBadge({ t }: { t: Timing }) {
  const tone = t.kind === 'overdue' || (t.kind === 'closed' && t.late) ? 'bad' : t.kind === 'left' && t.days <= 2 ? 'warn' : t.kind === 'closed' ? 'good' : 'plain';
  return (
    <span className={`rx-timing rx-timing-${tone}`} data-timing={t.kind}>
      <Bi t={timingText(t)} />
    </span>
  );
}

export function ItemTiming({ item, now, timeZone }: { item: RectificationItem; now: number; timeZone: string }) {
  return <TimingBadge t={timing(item, now, timeZone)} />;
}

export function StatusBadge({ item, label }: { item: RectificationItem; label: Bilingual }) {
  return (
    <span className={`badge rx-status rx-status-${item.status}`}>
      <Bi t={label} only />
    </span>
  );
}

/** The payloads behind the steps, read from this terminal's own log (what the fold does not keep). */
function useStepPayloads(item: RectificationItem): Map<string, PayloadOf<'rectification.recorded'>> {
  const { terminal } = useTerminal();
  const [found, setFound] = useState(() => new Map<string, PayloadOf<'rectification.recorded'>>());
  const key = item.steps.map((s) => s.eventId).join(',');
  useEffect(() => {
    let live = true;
    const keys = item.steps.map((s): [string, number] => {
      const i = s.eventId.lastIndexOf(':');
      return [s.eventId.slice(0, i), Number(s.eventId.slice(i + 1))];
    });
    terminal.db.events
      .bulkGet(keys)
      .then((events) => {
        if (!live) return;
        const m = new Map<string, PayloadOf<'rectification.recorded'>>();
        for (const e of events) if (e && e.type === 'rectification.recorded') m.set(`${e.origin}:${e.seq}`, e.payload as PayloadOf<'rectification.recorded'>);
        setFound(m);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // The step ids are the key: a new step re-reads; a re-render with the same steps does not.
  }, [terminal, key]);
  return found;
}

const LEDGER_PARTS: Array<{ key: 'problem' | 'cause' | 'workOrder' | 'deadline'; label: Bilingual }> = [
  { key: 'problem', label: { zh: '问题', en: 'Problem' } },
  { key: 'cause', label: { zh: '原因', en: 'Cause' } },
  { key: 'workOrder', label: { zh: '工单号', en: 'Work order' } },
  { key: 'deadline', label: { zh: '期限', en: 'Deadline' } },
];

/** Every step, oldest first: when, what, the note, to whom, and which terminal recorded it. */
export function StepHistory({ item, state }: { item: RectificationItem; state: HallState }) {
  const tz = state.config.schedule.timeZone;
  const payloads = useStepPayloads(item);
  return (
    <div className="rx-history-wrap">
      <h3>
        <Bi t={{ zh: '处理记录', en: 'History' }} />
      </h3>
      <ol className="rx-history" data-testid="rectify-history">
        <li className="rx-step rx-step-opened" data-step="opened">
          <span className="rx-step-time">{when(item.openedAt, tz)}</span>
          <span className="rx-step-what">
            <Bi t={item.kind === 'bad-rating' ? { zh: '收到差评，登记整改（7 日内）', en: 'Bad rating received; rectification due in 7 days' } : { zh: '窗口办结为“办不成”，登记入台账', en: 'Finished "not done" at the window; logged' }} />
          </span>
        </li>
        {item.steps.map((s) => {
          const p = payloads.get(s.eventId);
          const how = s.action === 'closed' ? p?.closedWith : undefined;
          return (
            <li key={s.eventId} className={`rx-step rx-step-${s.action}`} data-step={s.action}>
              <span className="rx-step-time">{when(s.at, tz)}</span>
              <span className="rx-step-what">
                <b>
                  <Bi t={actionLabel(s.action, item.kind)} />
                </b>
                {s.assignee ? (
                  <span className="rx-step-meta">
                    <Bi t={{ zh: `负责人：${assigneeName(state, s.assignee)}`, en: `To: ${assigneeName(state, s.assignee)}` }} only />
                  </span>
                ) : null}
                {how ? (
                  <span className="rx-step-meta">
                    <Bi t={closedWithLabel(item.kind, how as ClosedWith)} />
                  </span>
                ) : null}
                {s.action === 'ledger' && p
                  ? LEDGER_PARTS.filter((f) => p[f.key] !== undefined).map((f) => (
                      <span key={f.key} className="rx-step-field">
                        <Bi t={{ zh: `${f.label.zh}：${p[f.key]}`, en: `${f.label.en}: ${p[f.key]}` }} only />
                      </span>
                    ))
                  : null}
                {s.note ? <span className="rx-step-note">{s.note}</span> : null}
              </span>
              <span className="rx-step-by" title={s.by}>
                <Bi t={{ zh: `记录：${recordedBy(s)}`, en: `by ${recordedBy(s)}` }} only />
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const NOTE_LABELS: Record<StepAction, (kind: RectificationItem['kind']) => Bilingual> = {
  assigned: () => ({ zh: '说明（可不填）', en: 'Note (optional)' }),
  verified: () => ({ zh: '核实情况', en: 'What the verification found' }),
  rectified: (k) => (k === 'not-done' ? { zh: '解决情况', en: 'How it was resolved' } : { zh: '整改措施', en: 'Rectification measures' }),
  closed: () => ({ zh: '办结说明', en: 'Closing note' }),
  reopened: () => ({ zh: '重新打开的原因', en: 'Reason for reopening' }),
  ledger: () => ({ zh: '备注（可不填）', en: 'Note (optional)' }),
};

const closeNoteLabel = (kind: RectificationItem['kind'], how: ClosedWith): Bilingual =>
  how === 'feedback'
    ? { zh: '回访情况（群众的反馈）', en: "The citizen's feedback from the follow-up" }
    : kind === 'not-done'
      ? { zh: '解释说明（无法办理的依据）', en: 'Explanation given (why it cannot be done)' }
      : { zh: '解释说明（诉求不合理的依据）', en: 'Explanation given (why the complaint is not justified)' };

const OTHER = '__other';

/**
 * The step form: pick a step (assign, verify, rectify, close, reopen; the ledger's fields), fill
 * it in, save. A refusal says what is wrong in both languages and keeps every field as typed.
 */
export function StepForm({ item, state, actions, extra }: { item: RectificationItem; state: HallState; actions: readonly StepAction[]; extra?: ReactNode }) {
  const { terminal } = useTerminal();
  const lang = useLang((s) => s.lang);
  const [action, setAction] = useState<StepAction>(() => nextAction(item));
  const [notes, setNotes] = useState<Partial<Record<StepAction, string>>>({});
  const [assignee, setAssignee] = useState('');
  const [other, setOther] = useState('');
  const [closedWith, setClosedWith] = useState<ClosedWith>('feedback');
  const [ledger, setLedger] = useState(() => ({ problem: item.problem ?? '', cause: item.cause ?? '', workOrder: item.workOrder ?? '', deadline: item.deadline ?? '' }));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const staff = useMemo(() => [...state.config.staff.values()].sort((a, b) => a.id.localeCompare(b.id)), [state.config.staff]);
  const note = notes[action] ?? '';
  const can = availability(item, action);

  const choose = (a: StepAction) => {
    setAction(a);
    setOutcome(null);
  };

  const save = async () => {
    if (busy) return;
    setBusy(true);
    const who = assignee === OTHER ? other : assignee;
    const r = await recordStep(terminal.local, {
      itemId: item.id,
      action,
      note,
      ...(action === 'assigned' ? { assignee: who } : {}),
      ...(action === 'closed' ? { closedWith } : {}),
      ...(action === 'ledger' ? ledger : {}),
    });
    setBusy(false);
    if (!r.ok) return setOutcome(r);
    setNotes((n) => ({ ...n, [action]: '' }));
    if (action === 'assigned') {
      setAssignee('');
      setOther('');
    }
    setOutcome({ ok: true, message: { zh: `已记录“${actionLabel(action, item.kind).zh}”，正在同步。`, en: `${actionLabel(action, item.kind).en} recorded; syncing.` } });
    // On to the workflow's next step (the local log folds an authored event before it resolves).
    setAction(nextAction(terminal.local.state.rectifications.get(item.id) ?? item));
  };

  const noteLabel = action === 'closed' ? closeNoteLabel(item.kind, closedWith) : NOTE_LABELS[action](item.kind);
  const noteRequired = action !== 'assigned' && action !== 'ledger';

  return (
    <div className="rx-form" data-testid="step-form" data-step-action={action}>
      <div className="rx-actions" role="group" aria-label="处理步骤 / Steps">
        {actions.map((a) => {
          const ok = availability(item, a);
          return (
            <button
              key={a}
              type="button"
              className={`btn rx-action${a === action ? ' rx-action-on' : ''}`}
              data-action={ACTION_NAMES[a]}
              aria-pressed={a === action}
              disabled={!ok.ok}
              title={ok.ok ? undefined : lang === 'zh' ? `${ok.message.zh} / ${ok.message.en}` : `${ok.message.en} / ${ok.message.zh}`}
              onClick={() => choose(a)}
            >
              <Bi t={buttonLabel(a, item.kind)} />
            </button>
          );
        })}
      </div>
      {!can.ok ? (
        <div className="note rx-hint" role="note">
          <Bi t={can.message} />
        </div>
      ) : null}
      <div className="rx-fields">
        {action === 'assigned' ? (
          <Field label={{ zh: '负责人', en: 'Responsible' }} hint={{ zh: '可选工作人员，也可手填姓名或科室', en: 'A staff member, or type a name or office' }}>
            <select className="input" name="assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
              <option value="">{lang === 'zh' ? '请选择 / Choose' : 'Choose / 请选择'}</option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.post ? ` · ${s.post}` : ''}
                </option>
              ))}
              <option value={OTHER}>{lang === 'zh' ? '其他（手填）/ Someone else' : 'Someone else / 其他（手填）'}</option>
            </select>
            {assignee === OTHER ? <input className="input rx-other" name="assigneeOther" value={other} maxLength={60} placeholder={lang === 'zh' ? '姓名或科室 / Name or office' : 'Name or office / 姓名或科室'} onChange={(e) => setOther(e.target.value)} /> : null}
          </Field>
        ) : null}
        {action === 'closed' ? (
          <fieldset className="rx-radios">
            <legend className="field-label">
              <Bi t={{ zh: '办结方式', en: 'Closed with' }} />
            </legend>
            {(['feedback', 'explanation'] as const).map((w) => (
              <label key={w} className="check">
                <input type="radio" name="closedWith" value={w} checked={closedWith === w} onChange={() => setClosedWith(w)} />
                <Bi t={closedWithLabel(item.kind, w)} />
              </label>
            ))}
          </fieldset>
        ) : null}
        {action === 'ledger' ? (
          <div className="rx-ledger-fields">
            <Field label={{ zh: '问题（发现的问题）', en: 'Problem (what could not be done)' }}>
              <textarea className="input" name="problem" rows={2} value={ledger.problem} onChange={(e) => setLedger({ ...ledger, problem: e.target.value })} />
            </Field>
            <Field label={{ zh: '原因（分析原因）', en: 'Cause (why)' }}>
              <textarea className="input" name="cause" rows={2} value={ledger.cause} onChange={(e) => setLedger({ ...ledger, cause: e.target.value })} />
            </Field>
            <Field label={{ zh: '工单号（派发工单）', en: 'Work order no.' }}>
              <input className="input" name="workOrder" value={ledger.workOrder} onChange={(e) => setLedger({ ...ledger, workOrder: e.target.value })} />
            </Field>
            <Field label={{ zh: '办理期限（限期解决）', en: 'Deadline (resolve by)' }}>
              <input className="input" type="date" name="deadline" value={ledger.deadline} onChange={(e) => setLedger({ ...ledger, deadline: e.target.value })} />
            </Field>
          </div>
        ) : null}
        <Field wide label={noteRequired ? { zh: `${noteLabel.zh}（必填）`, en: `${noteLabel.en} (required)` } : noteLabel}>
          <textarea className="input" name="note" rows={3} value={note} onChange={(e) => setNotes({ ...notes, [action]: e.target.value })} />
        </Field>
      </div>
      {extra}
      <OutcomeNote outcome={outcome} />
      <div className="form-actions">
        <Button kind="primary" name="save" disabled={busy || !can.ok} onClick={() => void save()}>
          <Bi t={{ zh: `保存：${buttonLabel(action, item.kind).zh}`, en: `Save: ${buttonLabel(action, item.kind).en}` }} />
        </Button>
      </div>
    </div>
  );
}

/** The workflow as a strip of stages, the ones reached in this round marked done. */
export function Stages({ item }: { item: RectificationItem }) {
  const round = item.steps.slice(item.steps.map((s) => s.action).lastIndexOf('reopened') + 1);
  const has = (a: string) => round.some((s) => s.action === a);
  const stages: Array<{ key: string; label: Bilingual; done: boolean }> =
    item.kind === 'bad-rating'
      ? [
          { key: 'opened', label: { zh: '登记', en: 'Logged' }, done: true },
          { key: 'assigned', label: { zh: '指派', en: 'Assigned' }, done: has('assigned') },
          { key: 'verified', label: { zh: '核实', en: 'Verified' }, done: has('verified') },
          { key: 'rectified', label: { zh: '整改', en: 'Rectified' }, done: has('rectified') },
          { key: 'closed', label: { zh: '回访办结', en: 'Closed' }, done: item.status === 'closed' },
        ]
      : [
          { key: 'opened', label: { zh: '发现问题', en: 'Found' }, done: true },
          { key: 'cause', label: { zh: '分析原因', en: 'Cause' }, done: !!item.cause },
          { key: 'workOrder', label: { zh: '派发工单', en: 'Work order' }, done: !!item.workOrder },
          { key: 'deadline', label: { zh: '限期解决', en: 'Deadline' }, done: !!item.deadline },
          { key: 'closed', label: { zh: '结果核查', en: 'Checked' }, done: item.status === 'closed' },
        ];
  return (
    <ol className="rx-stages" data-testid="stages">
      {stages.map((s) => (
        <li key={s.key} className={`rx-stage${s.done ? ' rx-stage-done' : ''}`} data-stage={s.key} data-done={s.done}>
          <Bi t={s.label} />
        </li>
      ))}
    </ol>
  );
}
