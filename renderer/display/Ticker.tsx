/** The header (hall name, date and time, supervision hotline R20) and the scrolling notices. */
import type { Bilingual } from '../../shared/config/text';
import { useNow } from '../app/context';
import { dateLine, hhmm } from '../i18n/format';
import type { BoardNotice } from './board';
import { HOTLINE_NAME } from '../../shared/config/hotline';

export function BoardHeader({ hallName, hotline, timeZone }: { hallName: Bilingual; hotline: string; timeZone: string }) {
  return (
    <header className="board-head">
      <div className="hall-name">
        <span lang="zh-CN" className="hall-name-zh">
          {hallName.zh}
        </span>
        <span lang="en" className="hall-name-en">
          {hallName.en}
        </span>
      </div>
      <Clock timeZone={timeZone} />
      <div className="hotline" data-testid="hotline">
        <span className="hotline-label">
          <span lang="zh-CN">{HOTLINE_NAME.zh}</span>
          <span lang="en">{HOTLINE_NAME.en}</span>
        </span>
        <span className="hotline-number">{hotline}</span>
      </div>
    </header>
  );
}

function Clock({ timeZone }: { timeZone: string }) {
  const now = useNow(1_000);
  const date = dateLine(now, timeZone);
  return (
    <div className="clock" data-testid="clock">
      <span className="clock-time">{hhmm(now, timeZone)}</span>
      <span className="clock-date">
        <span lang="zh-CN">{date.zh}</span>
        <span lang="en">{date.en}</span>
      </span>
    </div>
  );
}

/** Notices scroll right to left, Chinese then English; the speed follows the text's length. */
export function NoticeTicker({ notices, fallback }: { notices: BoardNotice[]; fallback: Bilingual }) {
  const items = notices.length > 0 ? notices.map((n) => n.text) : [fallback];
  const chars = items.reduce((n, t) => n + t.zh.length * 2 + t.en.length, 0);
  const seconds = Math.max(18, Math.round(chars * 0.16));
  // A new set of notices starts the scroll from the beginning.
  const signature = items.map((t) => t.zh + t.en).join('|');
  const line = (copy: number) =>
    items.map((t, i) => (
      <span className="ticker-item" key={`${copy}-${i}`}>
        <span lang="zh-CN">{t.zh}</span>
        <span lang="en" className="ticker-en">
          {t.en}
        </span>
      </span>
    ));
  return (
    <footer className="ticker" data-testid="notices">
      <span className="ticker-label">
        <span lang="zh-CN">公告</span>
        <span lang="en">Notice</span>
      </span>
      <div className="ticker-window">
        {/* Two copies: when the first has scrolled out, the second is where the first began. */}
        <div className="ticker-track" key={signature} style={{ animationDuration: `${seconds}s` }}>
          <div className="ticker-copy">{line(0)}</div>
          <div className="ticker-copy" aria-hidden="true">
            {line(1)}
          </div>
        </div>
      </div>
    </footer>
  );
}
