/**
 * 窗口叫号: the clerk's screen at a window. Sign in (staff number + PIN, offline), then call,
 * serve and finish citizens; pause, hand over (AB post, R11), close. The window's LED strip
 * follows what the window does (R3, R10). Everything works offline (StatusBanner says so).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { StatusBanner } from '../app/StatusBanner';
import { useHall, useNow, useTerminal } from '../app/context';
import { Bi } from '../i18n/Bi';
import { hhmm } from '../i18n/format';
import { useLang } from '../i18n/lang';
import { useCounterActions } from './actions';
import { useMaterialUploader } from './capture/useMaterialUploader';
import { Dialogs } from './Dialogs';
import { QueuePanel } from './QueuePanel';
import { SignInPanel } from './SignInPanel';
import { useShortcuts } from './shortcuts';
import { loadSession, saveSession, useCounter } from './store';
import { heldTicket, ledText, windowTitle } from './windowView';
import { Workbench } from './Workbench';

export function CounterApp() {
  const { identity } = useTerminal();
  if (!identity.windowId) {
    return (
      <div className="counter">
        <StatusBanner />
        <div className="boot" data-testid="no-window">
          <Bi t={{ zh: '本机未绑定窗口，不能叫号。请在大厅管理中为本终端指定窗口后重新注册。', en: 'This terminal is not assigned to a window and cannot call. Assign it a window in hall admin and enroll it again.' }} />
        </div>
      </div>
    );
  }
  return <CounterScreen windowId={identity.windowId} />;
}

const OFFLINE_NOTE = { zh: '叫号、办理、暂停均可继续，恢复联网后自动同步', en: 'calling, serving and pausing keep working; they sync when the network is back' };

function CounterScreen({ windowId }: { windowId: string }) {
  const { identity, terminal } = useTerminal();
  const { state, version } = useHall();
  const actions = useCounterActions(windowId);
  // Captured materials upload in the background whoever is signed in, also after sign-out.
  const uploader = useMaterialUploader();
  const session = useCounter((s) => s.session);
  const handingOver = useCounter((s) => s.handingOver);

  // This tab keeps its clerk across a reload; a new tab signs in again.
  useState(() => {
    const saved = loadSession(identity.terminalId);
    if (saved && useCounter.getState().session === null) useCounter.setState({ session: saved });
  });
  useEffect(() => saveSession(identity.terminalId, session), [identity.terminalId, session]);

  const w = state.windows.get(windowId);
  // Signed in here, and the hall agrees this clerk holds the window.
  const signedIn = session !== null && w?.staffId === session;
  useLed(windowId, version);

  const view = useCallback(() => {
    const s = terminal.local.state;
    return { paused: s.windows.get(windowId)?.state === 'paused', holding: heldTicket(s, windowId) !== undefined };
  }, [terminal, windowId]);
  useShortcuts(actions, signedIn && !handingOver, view);

  return (
    <div className="counter" data-window={windowId}>
      <StatusBanner offlineNote={OFFLINE_NOTE} />
      <Header windowId={windowId} signedIn={signedIn && !handingOver} onHandOver={() => useCounter.getState().setHandingOver(true)} onClose={() => void actions.closeWindow()} onSignOut={() => void actions.signOut()} />
      {signedIn && !handingOver ? (
        <main className="counter-main">
          <Workbench windowId={windowId} actions={actions} />
          <QueuePanel windowId={windowId} actions={actions} />
          <Dialogs windowId={windowId} actions={actions} uploader={uploader} />
        </main>
      ) : (
        <SignInPanel windowId={windowId} actions={actions} />
      )}
    </div>
  );
}

/** The LED strip above the window follows the window's state (sent when it changes). */
function useLed(windowId: string, version: number) {
  const { terminal, devices } = useTerminal();
  const text = useMemo(() => ledText(terminal.local.state, windowId), [terminal, windowId, version]);
  useEffect(() => {
    void devices.showOnLed(text).catch(() => undefined);
  }, [devices, text]);
}

function Header(p: { windowId: string; signedIn: boolean; onHandOver: () => void; onClose: () => void; onSignOut: () => void }) {
  const { state } = useHall();
  const now = useNow(10_000);
  const { lang, toggle } = useLang();
  const w = state.windows.get(p.windowId);
  const win = state.config.windows.get(p.windowId);
  const staff = w?.staffId ? state.config.staff.get(w.staffId) : undefined;
  const title = windowTitle(state, p.windowId);
  const stateText = !w || w.state === 'closed' ? { zh: '关闭', en: 'closed' } : w.state === 'paused' ? { zh: '暂停', en: 'paused' } : { zh: '开放', en: 'open' };
  return (
    <header className="counter-header">
      <div className="hdr-window">
        <span className="hdr-label">
          <Bi t={title} />
        </span>
        {win?.name ? (
          <span className="hdr-name">
            <Bi t={win.name} />
          </span>
        ) : null}
        <span className={`chip chip-window-${w?.state ?? 'closed'}`} data-testid="window-state" data-state={w?.state ?? 'closed'}>
          <Bi t={stateText} />
        </span>
      </div>
      <div className="hdr-right">
        {staff ? (
          <span className="hdr-staff" data-testid="staff-name">
            {staff.name} <small>({staff.id})</small>
          </span>
        ) : null}
        <span className="hdr-clock">{hhmm(now, state.config.schedule.timeZone)}</span>
        {p.signedIn ? (
          <>
            <button type="button" className="btn btn-small" data-testid="hand-over" onClick={p.onHandOver}>
              <Bi t={{ zh: '交接班', en: 'Hand over' }} />
            </button>
            {w && w.state !== 'closed' ? (
              <button type="button" className="btn btn-small" data-testid="close-window" onClick={p.onClose}>
                <Bi t={{ zh: '关闭窗口', en: 'Close window' }} />
              </button>
            ) : null}
            <button type="button" className="btn btn-small" data-testid="sign-out" onClick={p.onSignOut}>
              <Bi t={{ zh: '签退', en: 'Sign out' }} />
            </button>
          </>
        ) : null}
        <button type="button" className="btn btn-small" data-testid="lang" onClick={toggle} title="中文 / English">
          {lang === 'zh' ? 'EN' : '中文'}
        </button>
      </div>
    </header>
  );
}
