/**
 * The "can't get it done" ledger (R18 反映"办不成事"台账): every ticket finished "not done" at a
 * window, with the ledger's fields (problem, cause, work order, deadline) and the result check.
 * A row opens beneath itself to fill in the fields, record the resolution and check the
 * result; items past their deadline stand out in red. The ledger exports as CSV for filing.
 */
import { Fragment } from 'react';
import type { HallState, RectificationItem } from '../../../shared/fold/state';
import { isOverdue } from '../../../shared/ratings/levels';
import { localDate } from '../../../shared/schedule/zone';
import { Bi } from '../../i18n/Bi';
import { CountTiles, FilterBar, ItemTiming, Stages, StatusBadge, StepForm, StepHistory, MAX_ROWS, MoreRows, when, type CountTile } from './parts';
import {
  LEDGER_ACTIONS,
  closedWithLabel,
  ledgerCsv,
  ledgerFileName,
  rateText,
  serviceName,
  staffName,
  statusLabel,
} from './rectifyModel';
import { useRectifyList } from './useRectifyList';
import './rectify.css';
import { saveFile } from '../../app/saveFile';

const COLUMNS = 10;

/** Hand the ledger to the browser as a file (made here: works offline too). */
function download(name: string, text: string): void {
  saveFile(new Blob([text], { type: 'text/csv;charset=utf-8' }), name);
}

export function LedgerView() {
  const { state, now, tz, filter, setFilter, selected, setSelected, items, list, c, perFilter } = useRectifyList('not-done');
  // The selected item stays open even when the filter no longer lists it (just closed, say).
  const extra = selected && !list.some((i) => i.id === selected) ? state.rectifications.get(selected) : undefined;
  const rows = extra ? [extra, ...list.slice(0, MAX_ROWS)] : list.slice(0, MAX_ROWS);

  const tiles: CountTile[] = [
    { key: 'open', label: { zh: '未办结', en: 'Open' }, value: c.open },
    { key: 'overdue', label: { zh: '超过期限', en: 'Past deadline' }, value: c.overdue, ...(c.overdue > 0 ? { tone: 'bad' as const } : {}) },
    { key: 'noDeadline', label: { zh: '未定期限', en: 'No deadline yet' }, value: c.noDeadline, ...(c.noDeadline > 0 ? { tone: 'warn' as const } : {}) },
    { key: 'closed', label: { zh: '已核查办结', en: 'Checked and closed' }, value: c.closed },
    { key: 'onTimeRate', label: { zh: '按期办结率', en: 'On-time rate' }, value: rateText(c.onTimeRate) },
  ];

  return (
    <section className="editor rectify ledger" data-testid="ledger">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '“办不成事”问题台账', en: '"Can\'t get it done" ledger' }} />
        </h2>
        <div className="editor-head-actions">
          <span className="panel-note rx-rule">
            <Bi t={{ zh: '发现问题 → 分析原因 → 派发工单 → 限期解决 → 结果核查', en: 'Problem → cause → work order → deadline → result check' }} />
          </span>
          <button type="button" className="btn" data-action="export" disabled={items.length === 0} onClick={() => download(ledgerFileName(state, now), ledgerCsv(state, now))}>
            <Bi t={{ zh: '导出台账（CSV）', en: 'Export ledger (CSV)' }} />
          </button>
        </div>
      </header>
      <CountTiles tiles={tiles} />
      <FilterBar value={filter} onChange={setFilter} count={(f) => perFilter[f]} />
      <table className="table rx-table rx-ledger" data-testid="ledger-list">
        <thead>
          <tr>
            <th>
              <Bi t={{ zh: '日期', en: 'Date' }} />
            </th>
            <th>
              <Bi t={{ zh: '号码', en: 'Ticket' }} />
            </th>
            <th>
              <Bi t={{ zh: '业务', en: 'Service' }} />
            </th>
            <th>
              <Bi t={{ zh: '窗口', en: 'Window' }} />
            </th>
            <th>
              <Bi t={{ zh: '工作人员', en: 'Staff' }} />
            </th>
            <th className="rx-col-text">
              <Bi t={{ zh: '问题', en: 'Problem' }} />
            </th>
            <th className="rx-col-text">
              <Bi t={{ zh: '原因', en: 'Cause' }} />
            </th>
            <th>
              <Bi t={{ zh: '工单号', en: 'Work order' }} />
            </th>
            <th>
              <Bi t={{ zh: '办理期限', en: 'Deadline' }} />
            </th>
            <th>
              <Bi t={{ zh: '状态 / 结果核查', en: 'Status / result check' }} />
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="muted rx-empty">
                <Bi t={items.length === 0 ? { zh: '台账为空：还没有办结为“办不成”的号', en: 'The ledger is empty: no ticket was finished "not done"' } : { zh: '没有符合条件的台账事项', en: 'No ledger items match this filter' }} />
              </td>
            </tr>
          ) : null}
          {rows.map((i) => (
            <Fragment key={i.id}>
              <LedgerRow state={state} item={i} now={now} tz={tz} selected={i.id === selected} onSelect={() => setSelected(i.id === selected ? null : i.id)} />
              {i.id === selected ? (
                <tr className="rx-expand" data-expand={i.id}>
                  <td colSpan={COLUMNS}>
                    <LedgerDetail state={state} item={i} now={now} tz={tz} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
          <MoreRows shown={Math.min(list.length, MAX_ROWS)} total={list.length} columns={COLUMNS} />
        </tbody>
      </table>
    </section>
  );
}

function LedgerRow({ state, item: i, now, tz, selected, onSelect }: { state: HallState; item: RectificationItem; now: number; tz: string; selected: boolean; onSelect: () => void }) {
  const overdue = isOverdue(i, now);
  const missing = <span className="rx-missing">{'—'}</span>;
  return (
    <tr
      data-item={i.id}
      data-status={i.status}
      data-overdue={overdue}
      aria-selected={selected}
      className={`rx-row${overdue ? ' rx-row-overdue' : ''}${selected ? ' rx-row-on' : ''}${i.status === 'closed' ? ' rx-row-closed' : ''}`}
      onClick={onSelect}
    >
      <td className="nowrap rx-time">{localDate(i.openedAt, tz)}</td>
      <td>
        <button type="button" className="rx-number" data-action="open" onClick={(e) => (e.stopPropagation(), onSelect())}>
          {i.number}
        </button>
      </td>
      <td>
        <Bi t={serviceName(state, i.serviceId)} />
      </td>
      <td className="nowrap">{state.config.windows.get(i.windowId)?.label ?? i.windowId}</td>
      <td className="nowrap">{staffName(state, i.staffId)}</td>
      <td className="rx-col-text" data-field="problem">
        {i.problem ? <span className="rx-clamp">{i.problem}</span> : missing}
      </td>
      <td className="rx-col-text" data-field="cause">
        {i.cause ? <span className="rx-clamp">{i.cause}</span> : missing}
      </td>
      <td className="nowrap" data-field="workOrder">
        {i.workOrder ? <code>{i.workOrder}</code> : missing}
      </td>
      <td className="nowrap" data-field="deadline">
        {i.deadline ? <div className="rx-time">{i.deadline}</div> : null}
        <ItemTiming item={i} now={now} timeZone={tz} />
      </td>
      <td>
        <StatusBadge item={i} label={statusLabel(i)} />
        {i.status === 'closed' && i.closedWith ? (
          <div className="rx-staff">
            <Bi t={closedWithLabel(i.kind, i.closedWith)} only />
          </div>
        ) : null}
      </td>
    </tr>
  );
}

function LedgerDetail({ state, item: i, now, tz }: { state: HallState; item: RectificationItem; now: number; tz: string }) {
  const overdue = isOverdue(i, now);
  return (
    <div className="rx-ledger-detail" data-testid="ledger-detail" data-detail={i.id} data-status={i.status} data-overdue={overdue}>
      <div className="rx-ledger-side">
        <div className="rx-detail-status">
          <b className="rx-detail-number">{i.number}</b>
          <StatusBadge item={i} label={statusLabel(i)} />
          <ItemTiming item={i} now={now} timeZone={tz} />
        </div>
        <Stages item={i} />
        <dl className="rx-facts">
          <dt>
            <Bi t={{ zh: '登记时间', en: 'Logged' }} />
          </dt>
          <dd>{when(i.openedAt, tz)}</dd>
          <dt>
            <Bi t={{ zh: '办理期限', en: 'Deadline' }} />
          </dt>
          <dd>{i.deadline ? <Bi t={{ zh: `${i.deadline} 当天结束前`, en: `by the end of ${i.deadline}` }} only /> : '—'}</dd>
          {i.status === 'closed' ? (
            <>
              <dt>
                <Bi t={{ zh: '结果核查', en: 'Result check' }} />
              </dt>
              <dd>
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
        <StepHistory item={i} state={state} />
      </div>
      <div className="rx-ledger-main">
        <h3>
          <Bi t={{ zh: '填写台账与处理', en: 'Fill in the ledger, record steps' }} />
        </h3>
        <StepForm key={i.id} item={i} state={state} actions={LEDGER_ACTIONS} />
      </div>
    </div>
  );
}
