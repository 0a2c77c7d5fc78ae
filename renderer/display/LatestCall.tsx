/** The latest call, huge, flashing while fresh; and the calls before it. */
import { useEffect, useRef, type CSSProperties } from 'react';
import { Bi } from '../i18n/Bi';
import { RECENT_CALLS, callText, type BoardCall } from './board';
import { announceCall } from './sound';
import type { CallsOnBoard } from './useBoard';

export function LatestCall({ board, stale, sound }: { board: CallsOnBoard; stale: boolean; sound: boolean }) {
  const { latest, fresh } = board;
  const announced = useRef<string | undefined>(undefined);
  useEffect(() => {
    // Once per announcement, and only for a call this screen saw arrive (not what was there at start).
    if (!sound || !fresh || !latest || announced.current === latest.key) return;
    announced.current = latest.key;
    announceCall(latest.number, latest.windowLabel);
  }, [sound, fresh, latest]);

  return (
    <section className={`latest${fresh ? ' latest-fresh' : ''}${stale ? ' latest-stale' : ''}`} data-testid="latest-call" data-number={latest?.number ?? ''} data-window={latest?.windowId ?? ''} data-fresh={fresh ? '1' : '0'} aria-live="polite">
      {/* Keyed by the call: a newer call restarts the flash from the beginning. */}
      {fresh && latest ? <div className="latest-flash" key={latest.key} aria-hidden="true" /> : null}
      <header className="latest-head">
        <Bi t={{ zh: '正在叫号', en: 'Now calling' }} />
        {stale ? (
          <span className="stale-note" data-testid="stale-note">
            <Bi t={{ zh: '数据可能不是最新', en: 'Data may be out of date' }} />
          </span>
        ) : null}
      </header>
      {latest ? (
        <>
          <div className="latest-main" key={latest.key}>
            <span className="latest-number" style={lengthVar(latest.number)}>
              {latest.number}
            </span>
            <span className="latest-arrow" aria-hidden="true">
              ➜
            </span>
            <span className="latest-window">
              <span className="latest-window-zh" lang="zh-CN">
                <b>{latest.windowLabel}</b> 号窗口
              </span>
              <span className="latest-window-en" lang="en">
                Window <b>{latest.windowLabel}</b>
              </span>
            </span>
          </div>
          <div className="latest-sentence">
            <span lang="zh-CN">{callText(latest.number, latest.windowLabel).zh}</span>
            <span lang="en">{callText(latest.number, latest.windowLabel).en}</span>
          </div>
        </>
      ) : (
        <div className="latest-empty">
          <Bi t={{ zh: '请留意屏幕叫号', en: 'Please watch the board for your number' }} />
        </div>
      )}
    </section>
  );
}

export function RecentCalls({ calls, stale }: { calls: BoardCall[]; stale: boolean }) {
  const rest = calls.slice(1, RECENT_CALLS + 1);
  return (
    <section className={`recent${stale ? ' latest-stale' : ''}`} data-testid="recent-calls">
      <h2 className="panel-title">
        <Bi t={{ zh: '最近叫号', en: 'Recent calls' }} />
      </h2>
      {rest.length === 0 ? (
        <p className="panel-empty">
          <Bi t={{ zh: '暂无', en: 'None yet' }} />
        </p>
      ) : (
        <ol className="recent-list">
          {rest.map((c) => (
            <li key={c.key} className="recent-item" data-testid={`recent-${c.number}`}>
              <span className="recent-number" style={lengthVar(c.number)}>
                {c.number}
              </span>
              <span className="recent-window">
                <span lang="zh-CN">
                  <b>{c.windowLabel}</b> 号窗口
                </span>
                <span lang="en" className="recent-window-en">
                  Window {c.windowLabel}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Longer numbers (AK001) are set smaller so they fit (display.css reads --len). */
export function lengthVar(number: string): CSSProperties {
  return { '--len': number.length } as CSSProperties;
}
