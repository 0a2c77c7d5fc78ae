/**
 * The leader on duty's live view (R17): alerts first, then today's totals, the queues, the
 * windows, and the terminals with their devices.
 */
import { useMemo } from 'react';
import { useHall, useNow } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { ago, hhmm, minutes } from '../../i18n/format';
import { CONDITION_TEXT, OLD_CLIENT_TEXT, terminalCondition } from './health';
import { deviceFaultLines } from './deviceFaults';
import { liveModel } from './liveModel';
import { OverridesPanel } from './OverridesPanel';
import { useTerminalHealth } from './useTerminalHealth';

const ROLE_NAMES: Record<string, { zh: string; en: string }> = {
  kiosk: { zh: '取号机', en: 'Kiosk' },
  counter: { zh: '窗口叫号', en: 'Counter' },
  evaluator: { zh: '评价器', en: 'Evaluator' },
  display: { zh: '大屏', en: 'Display' },
  admin: { zh: '管理', en: 'Admin' },
  hub: { zh: '大厅服务器', en: 'Hall hub' },
};

const STATE_TEXT = {
  open: { zh: '服务中', en: 'Open' },
  paused: { zh: '暂停服务', en: 'Paused' },
  closed: { zh: '未开放', en: 'Closed' },
};

export function LiveView() {
  const { state, version } = useHall();
  const now = useNow(5_000);
  const poll = useTerminalHealth();
  const m = useMemo(() => liveModel(state, now, poll.health), [state, version, now, poll.health]);
  const tz = state.config.schedule.timeZone;
  const faults = useMemo(() => deviceFaultLines(state), [state, version]);

  const kpis = [
    { key: 'waiting', label: { zh: '正在等候', en: 'Waiting now' }, value: m.totals.waiting },
    { key: 'issued', label: { zh: '今日取号', en: 'Issued today' }, value: m.totals.issued },
    { key: 'served', label: { zh: '办结', en: 'Served' }, value: m.totals.served },
    { key: 'notDone', label: { zh: '未办成', en: 'Not done' }, value: m.totals.notDone },
    { key: 'noShow', label: { zh: '过号', en: 'No-shows' }, value: m.totals.noShow },
    { key: 'rated', label: { zh: '已评价', en: 'Rated' }, value: m.totals.rated },
    { key: 'bad', label: { zh: '差评', en: 'Bad ratings' }, value: m.totals.bad },
    { key: 'voided', label: { zh: '作废（未出票）', en: 'Voided (not printed)' }, value: m.totals.voided },
  ];

  return (
    <div className="live" data-testid="live">
      <section className={`alerts${m.alerts.length ? '' : ' alerts-clear'}`} data-testid="alerts">
        {m.alerts.length === 0 ? (
          <div className="alert alert-ok">
            <Bi t={{ zh: '目前没有需要处理的提醒', en: 'Nothing needs attention right now' }} />
          </div>
        ) : (
          m.alerts.map((a) => (
            <div key={a.key} className={`alert alert-${a.severity}`} data-alert={a.key} data-kind={a.kind}>
              <span className="alert-icon" aria-hidden="true">
                !
              </span>
              <Bi t={a.text} />
              {a.href ? (
                <a className="btn" href={a.href} data-action="handle" style={{ marginLeft: 'auto', display: 'inline-flex', alignItems: 'center', textDecoration: 'none', fontWeight: 600 }}>
                  <Bi t={{ zh: '去处理', en: 'Handle' }} only />
                </a>
              ) : null}
            </div>
          ))
        )}
      </section>

      <section className="kpis" data-testid="totals">
        {kpis.map((k) => (
          <div key={k.key} className={`kpi${k.key === 'bad' && k.value > 0 ? ' kpi-bad' : ''}`} data-kpi={k.key} data-value={k.value}>
            <span className="kpi-value">{k.value}</span>
            <span className="kpi-label">
              <Bi t={k.label} />
            </span>
          </div>
        ))}
      </section>

      <div className="live-grid">
        <section className="panel">
          <h2>
            <Bi t={{ zh: '等候情况', en: 'Queues' }} />
          </h2>
          <table className="table" data-testid="queues">
            <thead>
              <tr>
                <th>
                  <Bi t={{ zh: '业务', en: 'Service' }} />
                </th>
                <th className="num">
                  <Bi t={{ zh: '等候', en: 'Waiting' }} />
                </th>
                <th className="num">
                  <Bi t={{ zh: '最长等候', en: 'Longest wait' }} />
                </th>
              </tr>
            </thead>
            <tbody>
              {m.services.map((s) => (
                <tr key={s.serviceId} data-service={s.serviceId} data-waiting={s.waiting} className={s.overLimit ? 'row-warn' : ''}>
                  <td>
                    <Bi t={s.name} />
                  </td>
                  <td className="num big">{s.waiting}</td>
                  <td className="num">{s.longestWaitMs === null ? '—' : <Bi t={minutes(s.longestWaitMs)} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="panel">
          <h2>
            <Bi t={{ zh: '窗口状态', en: 'Windows' }} />
          </h2>
          <table className="table" data-testid="windows-live">
            <thead>
              <tr>
                <th>
                  <Bi t={{ zh: '窗口', en: 'Window' }} />
                </th>
                <th>
                  <Bi t={{ zh: '状态', en: 'State' }} />
                </th>
                <th>
                  <Bi t={{ zh: '工作人员', en: 'Clerk' }} />
                </th>
                <th>
                  <Bi t={{ zh: '当前号', en: 'Serving' }} />
                </th>
                <th className="num">
                  <Bi t={{ zh: '今日办结', en: 'Served today' }} />
                </th>
              </tr>
            </thead>
            <tbody>
              {m.windows.map((w) => (
                <tr key={w.windowId} data-window={w.windowId} data-state={w.state} className={`win-${w.state}`}>
                  <td>
                    <b className="win-label">{w.label}</b> {w.name ? <span className="muted"><Bi t={w.name} only /></span> : null}
                  </td>
                  <td>
                    <span className={`badge badge-${w.state}`}>
                      <Bi t={STATE_TEXT[w.state]} only />
                    </span>{' '}
                    {w.state !== 'closed' ? (
                      <span className="muted">
                        <Bi t={{ zh: `${minutes(w.forMs).zh}${w.pauseReason ? ` · ${w.pauseReason}` : ''}`, en: `${minutes(w.forMs).en}${w.pauseReason ? ` · ${w.pauseReason}` : ''}` }} only />
                      </span>
                    ) : null}
                  </td>
                  <td>{w.staffName ?? w.staffId ?? '—'}</td>
                  <td className="big">{w.currentNumber ?? '—'}</td>
                  <td className="num" data-col="served" data-value={w.servedToday}>{w.servedToday}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section className="panel">
        <h2>
          <Bi t={{ zh: '终端与设备', en: 'Terminals and devices' }} />
          {poll.at !== undefined ? (
            <span className="panel-note">
              <Bi t={{ zh: `更新于 ${hhmm(poll.at, tz)}`, en: `updated ${hhmm(poll.at, tz)}` }} only />
            </span>
          ) : null}
        </h2>
        {poll.error ? (
          <div className="note note-error" role="status">
            <Bi t={poll.error} />
          </div>
        ) : null}
        <table className="table" data-testid="terminals">
          <thead>
            <tr>
              <th>
                <Bi t={{ zh: '终端', en: 'Terminal' }} />
              </th>
              <th>
                <Bi t={{ zh: '类型', en: 'Role' }} />
              </th>
              <th>
                <Bi t={{ zh: '窗口', en: 'Window' }} />
              </th>
              <th>
                <Bi t={{ zh: '连接', en: 'Connection' }} />
              </th>
              <th>
                <Bi t={{ zh: '最后联络', en: 'Last seen' }} />
              </th>
              <th>
                <Bi t={{ zh: '设备故障', en: 'Device faults' }} />
              </th>
            </tr>
          </thead>
          <tbody>
            {(poll.health?.terminals ?? []).map((t) => {
              const cond = terminalCondition(t, poll.health!.now, poll.self);
              const mine = faults.filter((f) => f.terminal === t.id);
              return (
                <tr key={t.id} data-terminal={t.id} data-condition={cond}>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>
                    <Bi t={ROLE_NAMES[t.role] ?? { zh: t.role, en: t.role }} only />
                  </td>
                  <td>{t.windowId ? (state.config.windows.get(t.windowId)?.label ?? t.windowId) : '—'}</td>
                  <td>
                    <span className={`badge badge-${cond}`}>
                      <Bi t={CONDITION_TEXT[cond]} only />
                    </span>
                    {t.liveTokenInUrlAt !== null && (
                      <span className="badge badge-offline" data-testid="old-client">
                        <Bi t={OLD_CLIENT_TEXT} only />
                      </span>
                    )}
                  </td>
                  <td className="muted">{t.lastSeenAt === null ? '—' : <Bi t={ago(poll.health!.now - t.lastSeenAt)} only />}</td>
                  <td>
                    {mine.length === 0
                      ? '—'
                      : mine.map((f) => (
                          <span key={f.device} className={`badge ${f.severity === 'fault' ? 'badge-offline' : 'badge-paused'}`} data-device={f.device} data-severity={f.severity} data-code={f.code} title={f.detail}>
                            <Bi t={{ zh: `${f.name.zh}：${f.words.zh}（自 ${ago(now - f.since).zh}）`, en: `${f.name.en}: ${f.words.en} (since ${ago(now - f.since).en})` }} only />
                          </span>
                        ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <OverridesPanel />
    </div>
  );
}
