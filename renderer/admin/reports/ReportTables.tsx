/**
 * The report's tables, for the figures people would rather read: one row per group (sortable
 * by any column), the services ranked by volume (R16 高频事项), the reasons given with ratings.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { Report } from '../../../shared/reports/report';
import { Bi } from '../../i18n/Bi';
import { useLang } from '../../i18n/lang';
import {
  GROUP_COLUMNS,
  GROUP_NAME_TITLE,
  TOTAL,
  fmtCell,
  fmtCount,
  groupAttr,
  groupName,
  nextSort,
  rateTone,
  share,
  sortGroups,
  type GroupSort,
} from './reportFormat';

function SortHeader({ column, sort, onSort, className, children }: { column: string; sort: GroupSort; onSort: (c: string) => void; className?: string; children: ReactNode }) {
  const on = sort.column === column;
  return (
    <th className={className} aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} data-sort={column}>
      <button type="button" className={`rq-sort${on ? ' rq-sort-on' : ''}`} onClick={() => onSort(column)}>
        {children}
        <span className="rq-sort-mark" aria-hidden="true">
          {on ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}

export function GroupsTable({ report }: { report: Report }) {
  const lang = useLang((s) => s.lang);
  const [sort, setSort] = useState<GroupSort>({ column: null, dir: 'desc' });
  const [all, setAll] = useState(false);
  const columns = GROUP_COLUMNS.filter((c) => all || !c.extra);
  const rows = useMemo(() => sortGroups(report.groups, sort, lang), [report, sort, lang]);
  const onSort = (c: string) => setSort((s) => nextSort(s, c));
  return (
    <section className="panel rq-panel" data-testid="report-groups">
      <h2>
        <Bi t={{ zh: `按${GROUP_NAME_TITLE[report.groupBy].zh}统计`, en: `By ${GROUP_NAME_TITLE[report.groupBy].en.toLowerCase()}` }} />
        <span className="panel-note">
          <Bi t={{ zh: `${report.groups.length} 项 · 时间以分钟计 · 点击表头排序`, en: `${report.groups.length} rows · times in minutes · click a header to sort` }} only />
        </span>
        <label className="check rq-all">
          <input type="checkbox" name="allColumns" checked={all} onChange={(e) => setAll(e.target.checked)} />
          <Bi t={{ zh: '显示全部列', en: 'All columns' }} />
        </label>
      </h2>
      <div className="rq-scroll">
        <table className={`table rq-table${all ? ' rq-table-all' : ''}`}>
          <thead>
            <tr>
              <SortHeader column="name" sort={sort} onSort={onSort} className="rq-name">
                <Bi t={GROUP_NAME_TITLE[report.groupBy]} />
              </SortHeader>
              {columns.map((c) => (
                <SortHeader key={c.key} column={c.key} sort={sort} onSort={onSort} className="num">
                  <Bi t={c.title} />
                </SortHeader>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length + 1} className="muted rq-none">
                  <Bi t={{ zh: '本期没有取号', en: 'No tickets in this period' }} />
                </td>
              </tr>
            ) : (
              rows.map((g) => (
                <tr key={groupAttr(g.key)} data-group={groupAttr(g.key)}>
                  <td className="rq-name">
                    <Bi t={groupName(g)} />
                  </td>
                  {columns.map((c) => {
                    const v = c.read(g);
                    const tone = c.toned ? rateTone(v) : undefined;
                    return (
                      <td key={c.key} className={`num${c.alarm && v !== null && v > 0 ? ' rq-alarm' : ''}${tone ? ` rq-tone-${tone}` : ''}`} data-col={c.key} data-tone={tone}>
                        {fmtCell(c, g)}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
          {rows.length > 1 ? (
            <tfoot>
              <tr data-total="">
                <td className="rq-name">
                  <Bi t={TOTAL} />
                </td>
                {columns.map((c) => {
                  const tone = c.toned ? rateTone(c.read(report.totals)) : undefined;
                  return (
                    <td key={c.key} className={`num${tone ? ` rq-tone-${tone}` : ''}`} data-col={c.key} data-tone={tone}>
                      {fmtCell(c, report.totals)}
                    </td>
                  );
                })}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </section>
  );
}

const TOP_SHOWN = 10;

export function TopServices({ report }: { report: Report }) {
  const [all, setAll] = useState(false);
  const list = all ? report.topServices : report.topServices.slice(0, TOP_SHOWN);
  const max = Math.max(1, ...report.topServices.map((s) => s.issued));
  return (
    <section className="panel rq-panel" data-testid="report-top-services">
      <h2>
        <Bi t={{ zh: '高频事项排行', en: 'Services by volume' }} />
        <span className="panel-note">R16</span>
      </h2>
      <table className="table rq-rank">
        <thead>
          <tr>
            <th className="num rq-rank-no">
              <Bi t={{ zh: '排名', en: 'Rank' }} />
            </th>
            <th>
              <Bi t={{ zh: '业务', en: 'Service' }} />
            </th>
            <th className="num">
              <Bi t={{ zh: '取号', en: 'Issued' }} />
            </th>
            <th className="num">
              <Bi t={{ zh: '办结', en: 'Served' }} />
            </th>
            <th className="num">
              <Bi t={{ zh: '占比', en: 'Share' }} />
            </th>
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted rq-none">
                <Bi t={{ zh: '本期没有取号', en: 'No tickets in this period' }} />
              </td>
            </tr>
          ) : (
            list.map((s) => (
              <tr key={s.serviceId} data-service={s.serviceId} data-rank={s.rank}>
                <td className="num rq-rank-no">{s.rank}</td>
                <td>
                  <div className="rq-bar-cell">
                    <Bi t={s.label ?? { zh: s.serviceId, en: s.serviceId }} />
                    <span className="rq-inline-bar" style={{ width: `${(s.issued / max) * 100}%` }} aria-hidden="true" />
                  </div>
                </td>
                <td className="num">{fmtCount(s.issued)}</td>
                <td className="num">{fmtCount(s.served)}</td>
                <td className="num muted">{share(s.issued, report.totals.issued)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {report.topServices.length > TOP_SHOWN ? (
        <button type="button" className="btn btn-plain rq-more" data-action="all-services" onClick={() => setAll((x) => !x)}>
          <Bi t={all ? { zh: `只看前 ${TOP_SHOWN} 项`, en: `Top ${TOP_SHOWN} only` } : { zh: `显示全部 ${report.topServices.length} 项`, en: `Show all ${report.topServices.length}` }} only />
        </button>
      ) : null}
    </section>
  );
}

export function RatingReasons({ report }: { report: Report }) {
  const total = report.ratingReasons.reduce((s, r) => s + r.count, 0);
  return (
    <section className="panel rq-panel" data-testid="report-reasons">
      <h2>
        <Bi t={{ zh: '评价原因', en: 'Rating reasons' }} />
        <span className="panel-note">
          <Bi t={{ zh: `差评 ${report.totals.bad} 条`, en: `${report.totals.bad} bad ratings` }} only />
        </span>
      </h2>
      <table className="table">
        <thead>
          <tr>
            <th>
              <Bi t={{ zh: '原因', en: 'Reason' }} />
            </th>
            <th className="num">
              <Bi t={{ zh: '次数', en: 'Times' }} />
            </th>
            <th className="num">
              <Bi t={{ zh: '占比', en: 'Share' }} />
            </th>
          </tr>
        </thead>
        <tbody>
          {report.ratingReasons.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted rq-none">
                <Bi t={{ zh: '本期没有评价原因', en: 'No reasons given in this period' }} />
              </td>
            </tr>
          ) : (
            report.ratingReasons.map((r) => (
              <tr key={r.reason} data-reason={r.reason}>
                <td>
                  <Bi t={r.label ?? { zh: r.reason, en: r.reason }} />
                </td>
                <td className="num">{fmtCount(r.count)}</td>
                <td className="num muted">{share(r.count, total)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
