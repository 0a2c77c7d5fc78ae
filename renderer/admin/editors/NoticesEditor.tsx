/** Notices for the board and kiosks: publish (optionally from / until a time) and withdraw. */
import { useMemo, useState } from 'react';
import { parseHHMM } from '../../../shared/schedule/config';
import { zonedTimeToUtc } from '../../../shared/schedule/zone';
import { useHall, useNow, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { hhmm } from '../../i18n/format';
import { localDate } from '../../../shared/schedule/zone';
import { publishNotice, withdrawNotice } from './changes';
import { Button, Field, OutcomeNote, type Outcome } from './Form';

/** A `datetime-local` value read in the hall's time zone; '' -> undefined; NaN when malformed. */
export function hallTime(v: string, timeZone: string): number | undefined {
  if (!v) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(v);
  if (!m) return Number.NaN;
  return zonedTimeToUtc(m[1]!, parseHHMM(m[2]!), timeZone);
}

function when(ms: number, tz: string): string {
  return `${localDate(ms, tz)} ${hhmm(ms, tz)}`;
}

export function NoticesEditor() {
  const { terminal } = useTerminal();
  const { state, version } = useHall();
  const now = useNow(30_000);
  const tz = state.config.schedule.timeZone;
  const notices = useMemo(() => [...state.notices.values()], [state, version]);
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);

  const publish = async () => {
    const f = hallTime(from, tz);
    const t = hallTime(to, tz);
    const noticeId = `n-${terminal.local.now().toString(36)}`;
    const r = await publishNotice(terminal.local, { noticeId, text: { zh, en }, from: f, to: t });
    if (!r.ok) return setOutcome(r);
    setZh('');
    setEn('');
    setFrom('');
    setTo('');
    setOutcome({ ok: true, message: { zh: '已发布，正在同步到大屏和取号机。', en: 'Published; syncing to the board and kiosks.' } });
  };

  return (
    <section className="editor" data-testid="notices">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '公告', en: 'Notices' }} />
        </h2>
      </header>
      <table className="table">
        <thead>
          <tr>
            <th>
              <Bi t={{ zh: '内容', en: 'Text' }} />
            </th>
            <th>
              <Bi t={{ zh: '时间', en: 'When' }} />
            </th>
            <th>
              <Bi t={{ zh: '状态', en: 'Status' }} />
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {notices.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                <Bi t={{ zh: '没有公告', en: 'No notices' }} />
              </td>
            </tr>
          ) : null}
          {notices.map((n) => {
            const status = n.from !== undefined && now < n.from ? { zh: '未开始', en: 'Scheduled' } : n.to !== undefined && now >= n.to ? { zh: '已过期', en: 'Expired' } : { zh: '显示中', en: 'Showing' };
            return (
              <tr key={n.id} data-notice={n.id}>
                <td>
                  <Bi t={n.text} />
                </td>
                <td className="nowrap">
                  {n.from === undefined && n.to === undefined ? (
                    <Bi t={{ zh: '一直显示', en: 'Always' }} />
                  ) : (
                    <Bi t={{ zh: `${n.from !== undefined ? when(n.from, tz) : '现在'} 至 ${n.to !== undefined ? when(n.to, tz) : '撤下为止'}`, en: `${n.from !== undefined ? when(n.from, tz) : 'now'} to ${n.to !== undefined ? when(n.to, tz) : 'withdrawn'}` }} />
                  )}
                </td>
                <td>
                  <Bi t={status} />
                </td>
                <td className="row-actions">
                  <Button
                    name="withdraw"
                    kind="danger"
                    onClick={() =>
                      void withdrawNotice(terminal.local, n.id).then((r) => setOutcome(r.ok ? { ok: true, message: { zh: '已撤下。', en: 'Withdrawn.' } } : r))
                    }
                  >
                    <Bi t={{ zh: '撤下', en: 'Withdraw' }} only />
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="form editor-form" data-testid="notice-form">
        <h3>
          <Bi t={{ zh: '发布新公告', en: 'Publish a notice' }} />
        </h3>
        <div className="form-grid">
          <Field wide label={{ zh: '中文内容', en: 'Chinese text' }}>
            <textarea className="input" name="zh" rows={2} value={zh} onChange={(e) => setZh(e.target.value)} />
          </Field>
          <Field wide label={{ zh: '英文内容', en: 'English text' }}>
            <textarea className="input" name="en" rows={2} value={en} onChange={(e) => setEn(e.target.value)} />
          </Field>
          <Field label={{ zh: '开始显示（可不填）', en: 'Show from (optional)' }}>
            <input className="input" type="datetime-local" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </Field>
          <Field label={{ zh: '停止显示（可不填）', en: 'Show until (optional)' }}>
            <input className="input" type="datetime-local" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
          </Field>
        </div>
        <OutcomeNote outcome={outcome} />
        <div className="form-actions">
          <Button kind="primary" name="publish" onClick={() => void publish()}>
            <Bi t={{ zh: '发布', en: 'Publish' }} />
          </Button>
        </div>
      </div>
    </section>
  );
}
