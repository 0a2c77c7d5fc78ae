/**
 * The calling board (大屏): silent calling (R2) for a 1920x1080 screen read from ten metres.
 * The latest call flashes, every window shows its number (暂停服务 when paused, R10), waiting
 * counts per service, notices, date and time, the supervision hotline (R20), Chinese and
 * English at once (R14), numbers only (R21). Tickets and windows come from the view tables
 * through live queries; names and notices from the hall configuration.
 */
import { useMemo } from 'react';
import { useHall, useNow, useSyncStatus } from '../app/context';
import { StatusBanner } from '../app/StatusBanner';
import { activeNotices, boardWindows, soundRequested, waitingCounts } from './board';
import { LatestCall, RecentCalls } from './LatestCall';
import { NoticeTicker, BoardHeader } from './Ticker';
import { WaitingCounts, WindowTiles } from './Tiles';
import { useBoardRows, useCalls } from './useBoard';
import { hotlineText } from '../../shared/config/hotline';

const sound = typeof location !== 'undefined' && soundRequested(location.href);

export function DisplayApp() {
  const { state, version } = useHall();
  const status = useSyncStatus();
  const now = useNow(30_000);
  const { policy, schedule } = state.config;
  const rows = useBoardRows(schedule.timeZone);
  const board = useCalls(rows.tickets, rows.windows, rows.loaded);
  // The configuration is folded in place: `version` says when it may have changed.
  const windows = useMemo(() => boardWindows(rows.windows, state.config.windows), [rows.windows, state, version]);
  const counts = useMemo(() => waitingCounts(rows.tickets, state.config.services.values()), [rows.tickets, state, version]);
  const notices = useMemo(() => activeNotices(state.notices.values(), now), [state, version, now]);
  const stale = status.state !== 'online';

  return (
    <div className="display" data-sync={status.state}>
      <StatusBanner />
      <BoardHeader hallName={policy.hallName} hotline={policy.hotline} timeZone={schedule.timeZone} />
      <main className="board-main">
        <div className="board-left">
          <LatestCall board={board} stale={stale} sound={sound} />
          <RecentCalls calls={board.calls} stale={stale} />
        </div>
        <div className="board-right">
          <WindowTiles windows={windows} freshWindow={board.fresh ? board.latest?.windowId : undefined} />
          <WaitingCounts counts={counts} />
        </div>
      </main>
      <NoticeTicker notices={notices} fallback={{ zh: `${policy.hallName.zh} · ${hotlineText(policy.hotline).zh}`, en: `${policy.hallName.en} · ${hotlineText(policy.hotline).en}` }} />
    </div>
  );
}
