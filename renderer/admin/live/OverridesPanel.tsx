/**
 * For the leader on duty: events that changed what the hall had settled by being dated earlier
 * (a call that took another window's ticket, a rating that replaced the citizen's), and the
 * terminals whose device events were kept quiet. Polled with this admin terminal's token.
 */
import { useEffect, useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { ago, hhmm } from '../../i18n/format';
import { adminRequest, readJson, trimServer } from '../api/adminFetch';
import { OVERRIDES_POLL_MS, OverridesResponseSchema, describeOverride, type OverridesResponse } from './overrides';

function useOverrides(): { data: OverridesResponse | undefined; error: Bilingual | undefined } {
  const { identity, params } = useTerminal();
  const [poll, setPoll] = useState<{ data: OverridesResponse | undefined; error: Bilingual | undefined }>({ data: undefined, error: undefined });
  useEffect(() => {
    let stopped = false;
    const base = params.servers[0]!;
    const once = async () => {
      const res = await adminRequest({ server: base, token: identity.token }, `${trimServer(base)}/api/admin/overrides`, 5_000);
      const got = res.ok ? await readJson(res.value, OverridesResponseSchema, 'unexpected answer') : res;
      if (stopped) return;
      if (got.ok) return setPoll({ data: got.value, error: undefined });
      const f = got.failure;
      const why = f.kind === 'refused' ? `${f.status}` : f.kind === 'invalid' ? 'unexpected answer' : f.detail;
      setPoll((p) => ({ ...p, error: { zh: `无法获取（${why}）`, en: `Cannot read (${why})` } }));
    };
    void once();
    const h = setInterval(() => void once(), OVERRIDES_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(h);
    };
  }, [identity.token, params.servers]);
  return poll;
}

export function OverridesPanel() {
  const { state } = useHall();
  const { data, error } = useOverrides();
  const tz = state.config.schedule.timeZone;
  const label = (id: string) => state.config.windows.get(id)?.label ?? id;
  return (
    <section className="panel" data-testid="overrides">
      <h2>
        <Bi t={{ zh: '离线补传的改动', en: 'Offline overrides' }} />
      </h2>
      <p className="muted">
        <Bi
          t={{
            zh: '以下事件的时间早于大厅已有的记录，因此抢到了其他窗口已叫的号，或替换了群众的评价。离线终端偶尔会这样；次数多的终端需要检查。',
            en: 'These events were dated before what the hall already held, so they took a ticket another window had called, or replaced a citizen’s rating. An offline terminal does this now and then; a terminal that does it often needs a look.',
          }}
        />
      </p>
      {error ? (
        <div className="note note-error" role="status">
          <Bi t={error} />
        </div>
      ) : null}
      {data && data.overrides.length === 0 ? (
        <p className="muted">
          <Bi t={{ zh: '没有', en: 'None' }} />
        </p>
      ) : null}
      {data && data.overrides.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>
                <Bi t={{ zh: '终端', en: 'Terminal' }} />
              </th>
              <th>
                <Bi t={{ zh: '改动', en: 'What changed' }} />
              </th>
              <th>
                <Bi t={{ zh: '事件时间', en: 'Dated' }} />
              </th>
              <th>
                <Bi t={{ zh: '到达服务器', en: 'Arrived' }} />
              </th>
            </tr>
          </thead>
          <tbody>
            {data.overrides.map((o) => (
              <tr key={`${o.origin}:${o.seq}`} data-kind={o.kind}>
                <td>
                  <code>{o.terminal}</code>
                </td>
                <td>
                  <Bi t={describeOverride(o, label)} only />
                </td>
                <td>{hhmm(o.datedAt, tz)}</td>
                <td className="muted">
                  <Bi t={ago(data.now - o.receivedAt)} only />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.refused.length > 0 ? (
        <p className="muted" data-testid="refused-events">
          <Bi t={{ zh: '过去 24 小时被服务器拒绝、在终端上搁置的记录：', en: 'Records the server refused in the last 24 h, set aside on their terminal:' }} />{' '}
          {data.refused.map((r) => (
            <span key={r.terminal} className="badge" data-terminal={r.terminal}>
              {r.terminal}: {r.refused} ({r.lastCode})
            </span>
          ))}
        </p>
      ) : null}
      {data && data.quietFaults.length > 0 ? (
        <p className="muted" data-testid="quiet-faults">
          <Bi t={{ zh: '过去 24 小时未同步到各终端的重复或过多的设备故障：', en: 'Repeated or excess device faults not sent to the terminals in the last 24 h:' }} />{' '}
          {data.quietFaults.map((q) => (
            <span key={q.terminal} className="badge">
              {q.terminal}: {q.quiet}
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
