/** Every window with its current number (暂停服务 when paused, R10), and the waiting counts. */
import { Bi } from '../i18n/Bi';
import type { BoardWindow, WaitingCount } from './board';
import { lengthVar } from './LatestCall';

/** Fewer, bigger tiles for a small hall; a big hall's tens of windows still fit. */
function density(n: number): string {
  if (n <= 6) return 'roomy';
  if (n <= 12) return 'dense';
  return 'tight';
}

export function WindowTiles({ windows, freshWindow }: { windows: BoardWindow[]; freshWindow: string | undefined }) {
  return (
    <section className="tiles-panel">
      <h2 className="panel-title">
        <Bi t={{ zh: '窗口', en: 'Windows' }} />
      </h2>
      <div className="tiles" data-density={density(windows.length)}>
        {windows.map((w) => (
          <div key={w.id} className={`tile tile-${w.state}${freshWindow === w.id ? ' tile-fresh' : ''}`} data-testid={`window-${w.id}`} data-state={w.state} data-number={w.currentNumber ?? ''}>
            <div className="tile-label">
              <span lang="zh-CN">
                <b>{w.label}</b> 号窗口
              </span>
              <span lang="en" className="tile-label-en">
                Window {w.label}
              </span>
            </div>
            {w.state === 'paused' ? (
              <div className="tile-sign">
                <Bi t={{ zh: '暂停服务', en: 'Paused' }} />
              </div>
            ) : w.state === 'closed' ? (
              <div className="tile-sign">
                <Bi t={{ zh: '未开放', en: 'Closed' }} />
              </div>
            ) : w.currentNumber ? (
              <div className="tile-number" style={lengthVar(w.currentNumber)}>
                {w.currentNumber}
              </div>
            ) : (
              <div className="tile-sign tile-idle">
                <Bi t={{ zh: '等候叫号', en: 'Ready' }} />
              </div>
            )}
            {w.name ? <div className="tile-name">{w.name.zh}</div> : null}
          </div>
        ))}
      </div>
    </section>
  );
}

export function WaitingCounts({ counts }: { counts: WaitingCount[] }) {
  return (
    <section className="waiting-panel">
      <h2 className="panel-title">
        <Bi t={{ zh: '等候人数', en: 'Waiting' }} />
      </h2>
      <ul className="waiting" data-density={counts.length <= 9 ? 'roomy' : counts.length <= 16 ? 'dense' : 'tight'}>
        {counts.map((c) => (
          <li key={c.serviceId} className="waiting-item" data-testid={`waiting-${c.serviceId}`} data-count={c.count}>
            <span className="waiting-name">
              <span lang="zh-CN">{c.name.zh}</span>
              <span lang="en" className="waiting-name-en">
                {c.name.en}
              </span>
            </span>
            <span className="waiting-count">
              <b>{c.count}</b>
              <span className="waiting-unit">
                <span lang="zh-CN">人</span>
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
