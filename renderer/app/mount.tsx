/**
 * A role's page: read the address, enroll/open the terminal, connect the devices, then render
 * the role's screen inside the TerminalContext. Before that (or when it fails) the page shows
 * what is happening in both languages, never a blank screen.
 */
import { StrictMode, useEffect, useState, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import type { Bilingual } from '../../shared/config/text';
import type { Role } from '../../shared/sync/protocol';
import { Bi } from '../i18n/Bi';
import { bootTerminal } from './boot';
import { TerminalContext, type TerminalEnv } from './context';
import { openDevices, startDeviceHealthLog } from './devices';
import { readPageParams } from './params';
import './base.css';

type Phase = { t: 'starting' } | { t: 'failed'; message: Bilingual } | { t: 'ready'; env: TerminalEnv };

function Boot({ role, App }: { role: Role; App: ComponentType }) {
  const [phase, setPhase] = useState<Phase>({ t: 'starting' });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const p = readPageParams(location.href);
      if (!p.ok) return setPhase({ t: 'failed', message: p.message });
      const booted = await bootTerminal({
        role,
        terminalId: p.params.terminal,
        upstreams: p.params.servers,
        code: p.params.code,
        onError: (err, where) => console.warn(`hallq sync (${where})`, err),
      }).catch((err: unknown): { ok: false; message: Bilingual } => {
        // The cause goes to the log; a citizen's screen says what to do (issue 17).
        console.error('hallq start failed', err);
        const citizen = role === 'kiosk' || role === 'evaluator' || role === 'display';
        return {
          ok: false,
          message: citizen ? { zh: '本机暂停使用，请联系工作人员。', en: 'This terminal is out of service. Please ask the staff.' } : { zh: `本机启动失败：${String(err)}`, en: `This terminal failed to start: ${String(err)}` },
        };
      });
      if (cancelled) return;
      if (!booted.ok) return setPhase({ t: 'failed', message: booted.message });
      // The code in the address is spent: keep it out of history and screenshots.
      const clean = new URL(location.href);
      clean.searchParams.delete('code');
      history.replaceState(null, '', clean);
      const env: TerminalEnv = { terminal: booted.terminal, identity: booted.identity, devices: openDevices(p.params), params: p.params };
      window.__hallq = env;
      startDeviceHealthLog(env);
      document.documentElement.dataset.ready = '1';
      setPhase({ t: 'ready', env });
    })();
    return () => {
      cancelled = true;
    };
  }, [role]);

  if (phase.t === 'ready') {
    return (
      <TerminalContext.Provider value={phase.env}>
        <App />
      </TerminalContext.Provider>
    );
  }
  return (
    <div className="boot" data-boot={phase.t}>
      {phase.t === 'starting' ? <Bi t={{ zh: '正在启动…', en: 'Starting…' }} /> : <Bi t={phase.message} />}
    </div>
  );
}

export function mountRole(role: Role, App: ComponentType): void {
  document.documentElement.dataset.role = role;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Boot role={role} App={App} />
    </StrictMode>,
  );
}
