/**
 * Bad-rating rectification (R8 差评整改): every bad rating is verified and rectified within 7
 * days. The list puts the most urgent first and overdue items in red; the panel beside it shows
 * the item's whole history and records the next step (assign, verify, rectify, close with the
 * citizen's feedback or an explanation, reopen). Steps are authored locally and sync later.
 */
import type { HallState, RectificationItem } from '../../../shared/fold/state';
import { isOverdue } from '../../../shared/ratings/levels';
import { Bi } from '../../i18n/Bi';
import { CountTiles, FilterBar, ItemTiming, Stages, StatusBadge, StepForm, StepHistory, MAX_ROWS, MoreRows, when, type CountTile } from './parts';
import {
  RECTIFY_ACTIONS,
  assigneeName,
  closedWithLabel,
  levelLabel,
  rateText,
  reasonLabel,
  serviceName,
  staffName,
  statusLabel,
  windowLabel,
} from './rectifyModel';
import { useRectifyList } from './useRectifyList';
import './rectify.css';

export function RectifyView() {
  const { state, now, tz, filter, setFilter, selected, setSelected, items, list, c, perFilter } = useRectifyList('bad-rating');
  const item = selected ? state.rectifications.get(selected) : undefined;

  const tiles: CountTile[] = [
    { key: 'open', label: { zh: '未办结', en: 'Open' }, value: c.open },
    { key: 'overdue', label: { zh: '已逾期', en: 'Overdue' }, value: c.overdue, ...(c.overdue > 0 ? { tone: 'bad' as const } : {}) },
    { key: 'closedOnTime', label: { zh: '按期办结', en: 'Closed on time' }, value: c.closedOnTime },
    { key: 'closedLate', label: { zh: '逾期办结', en: 'Closed late' }, value: c.closedLate, ...(c.closedLate > 0 ? { tone: 'warn' as const } : {}) },
    { key: 'onTimeRate', label: { zh: '按期办结率', en: 'On-time rate' }, value: rateText(c.onTimeRate), ...(c.onTimeRate !== null && c.onTimeRate < 1 ? { tone: 'warn' as const } : c.onTimeRate === 1 ? { tone: 'good' as const } : {}) },
  ];

  return (
    <section className="editor rectify" data-testid="rectify">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '差评整改', en: 'Bad-rating rectification' }} />
        </h2>
        <span className="panel-note rx-rule">
          <Bi t={{ zh: '差评须在 7 日内完成核实整改；诉求不合理的，做好解释说明', en: 'Every bad rating is verified and rectified within 7 days, or answered with an explanation' }} />
        </span>
      </header>
      <CountTiles tiles={tiles} />
      <p className="rx-rate-note muted">
        <Bi
          t={{
            zh: '按期办结率 = 按期办结 ÷（已办结 + 未办结但已逾期）',
            en: 'On-time rate = closed on time ÷ (closed + still open past due)',
          }}
        />
      </p>
      <FilterBar value={filter} onChange={setFilter} count={(f) => perFilter[f]} />
      <div className={`rx-body${item ? ' rx-body-open' : ''}`}>
        <div className="rx-list">
          <table className="table rx-table" data-testid="rectify-list">
            <thead>
              <tr>
                <th>
                  <Bi t={{ zh: '号码', en: 'Ticket' }} />
                </th>
                <th>
                  <Bi t={{ zh: '业务', en: 'Service' }} />
                </th>
                <th>
                  <Bi t={{ zh: '窗口 · 工作人员', en: 'Window · staff' }} />
                </th>
                <th>
                  <Bi t={{ zh: '评价与原因', en: 'Rating, reasons' }} />
                </th>
                <th>
                  <Bi t={{ zh: '评价时间', en: 'Rated' }} />
                </th>
                <th>
                  <Bi t={{ zh: '整改期限', en: 'Due' }} />
                </th>
                <th>
                  <Bi t={{ zh: '状态', en: 'Status' }} />
                </th>
              </tr>
            </thead>
            <tbody>
              {list.length === 0 ? (
                <tr>
                  <td colSpan={7} className="muted rx-empty">
                    <Bi t={items.length === 0 ? { zh: '还没有差评', en: 'No bad ratings yet' } : { zh: '没有符合条件的差评', en: 'No bad ratings match this filter' }} />
                  </td>
                </tr>
              ) : null}
              {list.slice(0, MAX_ROWS).map((i) => (
                <Row key={i.id} state={state} item={i} now={now} tz={tz} selected={i.id === selected} onSelect={() => setSelected(i.id === selected ? null : i.id)} />
              ))}
              <MoreRows shown={Math.min(list.length, MAX_ROWS)} total={list.length} columns={7} />
            </tbody>
          </table>
        </div>
        {item ? <Detail state={state} item={item} now={now} tz={tz} onClose={() => setSelected(null)} /> : null}
      </div>
    </section>
  );
}

function Row({ state, item: i, now, tz, selected, onSelect }: { state: HallState; item: RectificationItem; now: number; tz: string; selected: boolean; onSelect: () => void }) {
  const overdue = isOverdue(i, now);
  return (
    <tr
      data-item={i.id}
      data-status={i.status}
      data-overdue={overdue}
      aria-selected={selected}
      className={`rx-row${overdue ? ' rx-row-overdue' : ''}${selected ? ' rx-row-on' : ''}${i.status === 'closed' ? ' rx-row-closed' : ''}`}
      onClick={onSelect}
    >
      <td>
        <button type="button" className="rx-number" data-action="open" onClick={(e) => (e.stopPropagation(), onSelect())}>
          {i.number}
        </button>
      </td>
      <td>
        <Bi t={serviceName(state, i.serviceId)} />
      </td>
      <td className="nowrap">
        <Bi t={windowLabel(state, i.windowId)} />
        <div className="rx-staff">{staffName(state, i.staffId)}</div>
      </td>
      <td>
        <span className={`rx-level rx-level-${i.level ?? 0}`}>
          <span className="rx-level-n">{i.level ?? '—'}</span>
          <Bi t={levelLabel(i.level)} />
        </span>
        {i.reasons?.length ? (
          <div className="tags rx-reasons">
            {i.reasons.map((r) => (
              <Bi key={r} t={reasonLabel(r)} only />
            ))}
          </div>
        ) : null}
      </td>
      <td className="nowrap rx-time">{when(i.openedAt, tz)}</td>
      <td className="nowrap">
        {i.dueAt !== undefined ? <div className="rx-time">{when(i.dueAt, tz)}</div> : null}
        <ItemTiming item={i} now={now} timeZone={tz} />
      </td>
      <td>
        <StatusBadge item={i} label={statusLabel(i)} />
        {i.assignee && i.status !== 'closed' ? <div className="rx-staff">→ {assigneeName(state, i.assignee)}</div> : null}
      </td>
    </tr>
  );
}

function Detail({ state, item: i, now, tz, onClose }: { state: HallState; item: RectificationItem; now: number; tz: string; onClose: () => void }) {
  const overdue = isOverdue(i, now);
  return (
    <aside className={`panel rx-detail${overdue ? ' rx-detail-overdue' : ''}`} data-testid="rectify-detail" data-detail={i.id} data-status={i.status} data-overdue={overdue}>
      <header className="rx-detail-head">
        <h3>
          <span className="rx-detail-number">{i.number}</span>
          <Bi t={serviceName(state, i.serviceId)} />
        </h3>
        <button type="button" className="btn" data-action="close-detail" onClick={onClose} aria-label="关闭 / Close">
          ×
        </button>
      </header>
      <div className="rx-detail-status">
        <StatusBadge item={i} label={statusLabel(i)} />
        <ItemTiming item={i} now={now} timeZone={tz} />
        <span className={`rx-level rx-level-${i.level ?? 0}`}>
          <span className="rx-level-n">{i.level ?? '—'}</span>
          <Bi t={levelLabel(i.level)} />
        </span>
      </div>
      <Stages item={i} />
      <dl className="rx-facts rx-facts-2">
        <dt>
          <Bi t={{ zh: '窗口', en: 'Window' }} />
        </dt>
        <dd>
          <Bi t={windowLabel(state, i.windowId)} only /> · {staffName(state, i.staffId)}
        </dd>
        <dt>
          <Bi t={{ zh: '负责人', en: 'Responsible' }} />
        </dt>
        <dd>{assigneeName(state, i.assignee)}</dd>
        <dt>
          <Bi t={{ zh: '评价时间', en: 'Rated' }} />
        </dt>
        <dd className="rx-time">{when(i.openedAt, tz)}</dd>
        <dt>
          <Bi t={{ zh: '整改期限', en: 'Due' }} />
        </dt>
        <dd className="rx-time">{i.dueAt !== undefined ? when(i.dueAt, tz) : '—'}</dd>
        <dt>
          <Bi t={{ zh: '原因', en: 'Reasons' }} />
        </dt>
        <dd className="rx-facts-wide">
          {i.reasons?.length ? (
            <span className="tags">
              {i.reasons.map((r) => (
                <Bi key={r} t={reasonLabel(r)} />
              ))}
            </span>
          ) : (
            <Bi t={{ zh: '未选择', en: 'None picked' }} only />
          )}
        </dd>
        {i.status === 'closed' ? (
          <>
            <dt>
              <Bi t={{ zh: '办结', en: 'Closed' }} />
            </dt>
            <dd className="rx-facts-wide">
              {i.closedAt !== undefined ? when(i.closedAt, tz) : '—'}
              {i.closedWith ? (
                <>
                  {' · '}
                  <Bi t={closedWithLabel(i.kind, i.closedWith)} only />
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      <h3>
        <Bi t={{ zh: '记录处理步骤', en: 'Record a step' }} />
      </h3>
      <StepForm key={i.id} item={i} state={state} actions={RECTIFY_ACTIONS} />
      <StepHistory item={i} state={state} />
    </aside>
  );
}
