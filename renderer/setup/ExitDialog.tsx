/**
 * 退出 / 重新设置: the dialog behind the admin's exit gesture. The terminal's admin password, then
 * quit the app or go back to the setup screen; 取消 returns to work. The main process checks the
 * password and throttles attempts; its refusal (e.g. "wait 30 seconds") is shown as it says it.
 */
import { useEffect, useRef, useState } from 'react';
import type { Bilingual } from '../../shared/config/text';
import type { ExitRequest } from '../../shared/shell/contract';
import { Bi } from '../i18n/Bi';
import type { ShellApi } from './form';

type Phase = { t: 'idle' } | { t: 'busy'; action: ExitRequest['action'] | 'cancel' } | { t: 'refused'; message: Bilingual } | { t: 'done'; action: ExitRequest['action'] };

const DONE: Record<ExitRequest['action'], Bilingual> = {
  quit: { zh: '正在退出…', en: 'Quitting…' },
  setup: { zh: '正在打开设置…', en: 'Opening setup…' },
};

export function ExitDialog({ shell }: { shell: ShellApi }) {
  const [password, setPassword] = useState('');
  const [phase, setPhase] = useState<Phase>({ t: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const busy = phase.t === 'busy' || phase.t === 'done';

  useEffect(() => input.current?.focus(), []);

  async function run(action: ExitRequest['action']) {
    if (busy) return;
    if (password === '') {
      setPhase({ t: 'refused', message: { zh: '请输入管理密码', en: 'Enter the admin password' } });
      input.current?.focus();
      return;
    }
    setPhase({ t: 'busy', action });
    const r = await shell.exit({ password, action }).catch((err: unknown) => ({ ok: false as const, message: { zh: `操作失败：${String(err)}`, en: `That did not work: ${String(err)}` } }));
    if (r.ok) return setPhase({ t: 'done', action });
    setPassword('');
    setPhase({ t: 'refused', message: r.message });
    input.current?.focus();
  }

  async function cancel() {
    if (busy) return;
    setPassword('');
    setPhase({ t: 'busy', action: 'cancel' });
    await shell.cancelExit().catch(() => undefined);
    // Main closes this dialog; should it not, the dialog stays usable.
    setPhase({ t: 'idle' });
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') void cancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="exit-backdrop">
      <div className="exit-card" role="dialog" aria-modal="true" aria-labelledby="exit-title" data-phase={phase.t}>
        <h1 id="exit-title">
          <Bi t={{ zh: '退出程序或重新设置', en: 'Quit or set up again' }} />
        </h1>
        <label className="field-label" htmlFor="exit-password">
          <Bi t={{ zh: '请输入本机的管理密码', en: "Enter this terminal's admin password" }} />
        </label>
        <input
          id="exit-password"
          ref={input}
          type="password"
          data-testid="exit-password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            if (phase.t === 'refused') setPhase({ t: 'idle' });
          }}
          disabled={busy}
          aria-describedby="exit-message"
        />
        <div id="exit-message" className={`exit-message${phase.t === 'refused' ? ' refused' : ''}`} data-testid="exit-message" role={phase.t === 'refused' ? 'alert' : 'status'}>
          {phase.t === 'refused' ? <Bi t={phase.message} /> : phase.t === 'done' ? <Bi t={DONE[phase.action]} /> : null}
        </div>
        <div className="exit-actions">
          <button type="button" className="btn btn-danger" data-testid="exit-quit" onClick={() => void run('quit')} disabled={busy}>
            <Bi t={{ zh: '退出程序', en: 'Quit' }} />
          </button>
          <button type="button" className="btn btn-primary" data-testid="exit-setup" onClick={() => void run('setup')} disabled={busy}>
            <Bi t={{ zh: '重新设置', en: 'Set up again' }} />
          </button>
          <button type="button" className="btn btn-plain" data-testid="exit-cancel" onClick={() => void cancel()} disabled={busy}>
            <Bi t={{ zh: '取消', en: 'Cancel' }} />
          </button>
        </div>
      </div>
    </div>
  );
}
