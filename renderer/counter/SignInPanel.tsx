/**
 * Signing in at the counter: staff number and PIN, checked offline (signIn.ts), wrong PINs
 * throttled (signInThrottle.ts). Signing in while another clerk holds the window is the AB
 * hand-over (R11): the window stays open.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useHall, useNow, useTerminal } from '../app/context';
import { Bi } from '../i18n/Bi';
import type { Bilingual } from '../../shared/config/text';
import type { CounterActions } from './actions';
import { checkSignIn } from './signIn';
import { canTry, parseThrottle, recordFailure, recordSuccess, type ThrottleState } from './signInThrottle';
import { loadThrottle, saveThrottle, useCounter } from './store';
import { windowTitle } from './windowView';

export function SignInPanel({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { terminal, identity } = useTerminal();
  const { state } = useHall();
  useNow(1_000); // re-renders the lock countdown
  const handingOver = useCounter((s) => s.handingOver);
  const session = useCounter((s) => s.session);
  const [staffNo, setStaffNo] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const [checking, setChecking] = useState(false);
  const [throttle, setThrottle] = useState<ThrottleState>(() => parseThrottle(loadThrottle(identity.terminalId)));
  const staffRef = useRef<HTMLInputElement>(null);

  useEffect(() => staffRef.current?.focus(), []);

  const w = state.windows.get(windowId);
  const current = w?.staffId ? state.config.staff.get(w.staffId) : undefined;
  const open = w !== undefined && w.state !== 'closed';
  const win = state.config.windows.get(windowId);
  const title = windowTitle(state, windowId);
  const gate = canTry(throttle, terminal.local.now());

  const keep = (t: ThrottleState) => {
    setThrottle(t);
    saveThrottle(identity.terminalId, JSON.stringify(t));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (checking) return;
    const allowed = canTry(throttle, terminal.local.now());
    if (!allowed.ok) return;
    setChecking(true);
    try {
      const r = await checkSignIn(terminal.local.state, staffNo, pin);
      if (!r.ok) {
        setPin('');
        if (r.code === 'wrong-pin') {
          const next = recordFailure(throttle, terminal.local.now());
          keep(next);
          const after = canTry(next, terminal.local.now());
          setError(
            after.ok
              ? { zh: `${r.message.zh}还可尝试 ${after.triesLeft} 次。`, en: `${r.message.en} ${after.triesLeft} ${after.triesLeft === 1 ? 'try' : 'tries'} left.` }
              : { zh: `${r.message.zh}错误次数过多，请稍后再试。`, en: `${r.message.en} Too many wrong PINs: please wait.` },
          );
        } else {
          setError(r.message);
        }
        return;
      }
      keep(recordSuccess());
      setError(null);
      setPin('');
      await actions.signIn(r.staff.id);
    } finally {
      setChecking(false);
    }
  }

  const locked = !gate.ok;
  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} data-testid="sign-in-form">
        <h1>
          <Bi t={{ zh: `窗口叫号 · ${title.zh}`, en: `Counter · ${title.en}` }} />
        </h1>
        {win?.name ? <p className="signin-window"><Bi t={win.name} /></p> : null}
        {handingOver || (open && current) ? (
          <p className="signin-handover" data-testid="handover-note">
            <Bi
              t={{
                zh: `当前值守：${current?.name ?? '—'}。接班人员登录后窗口保持开放（AB 岗交接）。`,
                en: `Now at the window: ${current?.name ?? '—'}. Signing in takes over; the window stays open (AB hand-over).`,
              }}
            />
          </p>
        ) : null}
        <label>
          <Bi t={{ zh: '工号', en: 'Staff number' }} />
          <input ref={staffRef} data-testid="staff-id" value={staffNo} onChange={(e) => setStaffNo(e.target.value)} autoComplete="off" autoCapitalize="off" spellCheck={false} maxLength={40} disabled={locked} />
        </label>
        <label>
          <Bi t={{ zh: 'PIN 密码', en: 'PIN' }} />
          <input data-testid="pin" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))} autoComplete="off" disabled={locked} />
        </label>
        {locked ? (
          <p className="signin-error" role="alert" data-testid="sign-in-error">
            <Bi t={{ zh: `PIN 错误次数过多，请 ${Math.ceil(gate.waitMs / 1000)} 秒后再试。`, en: `Too many wrong PINs. Try again in ${Math.ceil(gate.waitMs / 1000)} s.` }} />
          </p>
        ) : error ? (
          <p className="signin-error" role="alert" data-testid="sign-in-error">
            <Bi t={error} />
          </p>
        ) : null}
        <div className="signin-buttons">
          <button type="submit" className="btn btn-primary btn-big" data-testid="sign-in" disabled={locked || checking}>
            <Bi t={handingOver ? { zh: '接班登录', en: 'Take over' } : { zh: '登录', en: 'Sign in' }} />
          </button>
          {handingOver && session ? (
            <button type="button" className="btn" data-testid="hand-over-cancel" onClick={() => useCounter.getState().setHandingOver(false)}>
              <Bi t={{ zh: '取消交接', en: 'Cancel hand-over' }} />
            </button>
          ) : null}
        </div>
        <p className="signin-hint">
          <Bi t={{ zh: `PIN 在本机离线核验；连续 5 次错误将锁定 1 分钟。`, en: 'The PIN is checked on this terminal, offline; 5 wrong PINs in a row lock sign-in for a minute.' }} />
        </p>
      </form>
    </div>
  );
}
