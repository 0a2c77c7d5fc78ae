/**
 * The shell's own page (not a role): the setup screen at the first start, and the exit dialog
 * behind the admin's exit gesture (`?mode=exit`). It talks to the Electron main process only,
 * through `window.hallq.shell` (electron/preload/shell.ts); opened in a plain browser, it says
 * so instead of failing.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Bi } from '../i18n/Bi';
import { ExitDialog } from './ExitDialog';
import { SetupApp } from './SetupApp';
import type { ShellApi } from './form';
import '../app/base.css';
import './setup.css';

/** The preload's shell API, if this page runs inside the hallq app. */
function shellApi(): ShellApi | undefined {
  const shell = (window as unknown as { hallq?: { shell?: Partial<ShellApi> } }).hallq?.shell;
  const complete = shell && (['info', 'saveSetup', 'exit', 'cancelExit'] as const).every((k) => typeof shell[k] === 'function');
  return complete ? (shell as ShellApi) : undefined;
}

function NoShell() {
  return (
    <div className="boot" role="alert" data-testid="no-shell">
      <Bi
        t={{
          zh: '此页面只能在 hallq 终端程序中使用。当前是在普通浏览器中打开的，无法保存设置。',
          en: 'This page works only inside the hallq terminal app. It was opened in a plain browser, so nothing can be saved here.',
        }}
      />
    </div>
  );
}

const mode = new URLSearchParams(location.search).get('mode') === 'exit' ? 'exit' : 'setup';
const shell = shellApi();
document.documentElement.dataset.role = 'setup';
document.documentElement.dataset.mode = mode;

createRoot(document.getElementById('root')!).render(
  <StrictMode>{!shell ? <NoShell /> : mode === 'exit' ? <ExitDialog shell={shell} /> : <SetupApp shell={shell} />}</StrictMode>,
);
document.documentElement.dataset.ready = '1';
