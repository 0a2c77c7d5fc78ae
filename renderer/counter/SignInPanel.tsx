/**
 * Signing in at the counter: staff number and PIN, checked by the hall server when it answers
 * (signInOnline.ts: the hall-wide lockout, old hashes upgraded, a too-short PIN changed on the
 * spot) and offline otherwise (signIn.ts), wrong PINs throttled here by the same rule
 * (signInThrottle.ts). Signing in while another clerk holds the window is the AB hand-over
 * (R11): the window stays open.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useHall, useNow, useTerminal } from '../app/context';
import { Bi } from '../i18n/Bi';
import type { Bilingual } from '../../shared/config/text';
import type { CounterActions } from './actions';
import { MAX_PIN_DIGITS, MIN_PIN_DIGITS, isValidPin } from '../../shared/identity/pin';
import { checkSignIn, findStaff } from './signIn';
import { changePinOnline, signInOnline, type OnlineOptions } from './signInOnline';
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
  /** A clerk whose PIN the server accepted but who must choose a new one (shorter than 6 digits). */
  const [changing, setChanging] = useState<{ staffId: string; pin: string } | null>(null);
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

  const online = (): OnlineOptions => ({ base: terminal.engine.status.upstream ?? null, token: identity.token });

  /** A wrong PIN counts here too, whoever checked it: offline the count goes on. */
  const wrongPin = () => {
    const next = recordFailure(throttle, terminal.local.now());
    keep(next);
    const after = canTry(next, terminal.local.now());
    setError(
      after.ok
        ? { zh: `PIN 错误。还可尝试 ${after.triesLeft} 次。`, en: `Wrong PIN. ${after.triesLeft} ${after.triesLeft === 1 ? 'try' : 'tries'} left.` }
        : { zh: 'PIN 错误。错误次数过多，请稍后再试。', en: 'Wrong PIN. Too many wrong PINs: please wait.' },
    );
  };

  const signedIn = async (staffId: string) => {
    keep(recordSuccess());
    setError(null);
    setPin('');
    await actions.signIn(staffId);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (checking) return;
    const allowed = canTry(throttle, terminal.local.now());
    if (!allowed.ok) return;
    // The last answer goes while this one is checked: a stale 'wrong PIN' must not stand for this try.
    setError(null);
    setChecking(true);
    try {
      if (!staffNo.trim() || !pin) return setError({ zh: '请输入工号和 PIN。', en: 'Enter your staff number and PIN.' });
      const staffId = findStaff(terminal.local.state, staffNo)?.id ?? staffNo.trim();
      const answer = await signInOnline(online(), staffId, pin);
      if (answer.kind === 'ok') {
        if (answer.mustChangePin) {
          keep(recordSuccess());
          setError(null);
          setChanging({ staffId: answer.staffId, pin });
          setPin('');
          return;
        }
        return await signedIn(answer.staffId);
      }
      if (answer.kind === 'refused') {
        setPin('');
        // A lock the server reports stays the server's (it may be the clerk's, not this counter's).
        if (answer.code === 'wrong-pin') return wrongPin();
        return setError(answer.message);
      }
      // No server: the counter checks the PIN itself, against the hash it holds.
      const r = await checkSignIn(terminal.local.state, staffNo, pin);
      if (!r.ok) {
        setPin('');
        if (r.code === 'wrong-pin') return wrongPin();
        return setError(r.message);
      }
      await signedIn(r.staff.id);
    } finally {
      setChecking(false);
    }
  }

  if (changing) {
    return (
      <ChangePin
        staffId={changing.staffId}
        onCancel={() => setChanging(null)}
        onChange={async (newPin) => {
          const r = await changePinOnline(online(), changing.staffId, changing.pin, newPin);
          if (r.kind === 'ok') {
            setChanging(null);
            await signedIn(changing.staffId);
            return null;
          }
          if (r.kind === 'refused') return r.message;
          return { zh: '无法连接服务器，PIN 未修改，请稍后再试。', en: 'The server cannot be reached; the PIN was not changed. Please try again.' };
        }}
      />
    );
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
          <input data-testid="pin" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, MAX_PIN_DIGITS))} autoComplete="off" disabled={locked} />
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
          <Bi
            t={{
              zh: 'PIN 由大厅服务器核验，断网时在本机核验；连续 5 次错误将锁定 1 分钟，再次锁定时间加倍。',
              en: 'The PIN is checked by the hall server, or on this terminal when offline; 5 wrong PINs in a row lock sign-in for a minute, each further lock twice as long.',
            }}
          />
        </p>
      </form>
    </div>
  );
}

/** A PIN set before 6 digits were required: the clerk chooses a new one before working (online only). */
function ChangePin({ staffId, onChange, onCancel }: { staffId: string; onChange: (newPin: string) => Promise<Bilingual | null>; onCancel: () => void }) {
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<Bilingual | null>(null);
  const [busy, setBusy] = useState(false);
  const digits = (v: string) => v.replace(/\D/g, '').slice(0, MAX_PIN_DIGITS);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!isValidPin(pin)) return setError({ zh: `新 PIN 应为 ${MIN_PIN_DIGITS} 至 ${MAX_PIN_DIGITS} 位数字。`, en: `The new PIN must be ${MIN_PIN_DIGITS} to ${MAX_PIN_DIGITS} digits.` });
    if (pin !== again) return setError({ zh: '两次输入的新 PIN 不一致。', en: 'The two new PINs differ.' });
    setBusy(true);
    try {
      const refused = await onChange(pin);
      if (refused) setError(refused);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} data-testid="change-pin-form">
        <h1>
          <Bi t={{ zh: '请设置新 PIN', en: 'Choose a new PIN' }} />
        </h1>
        <p className="signin-handover">
          <Bi
            t={{
              zh: `工号 ${staffId} 的 PIN 少于 ${MIN_PIN_DIGITS} 位，已不再安全。请设置 ${MIN_PIN_DIGITS} 至 ${MAX_PIN_DIGITS} 位数字的新 PIN 后签到。`,
              en: `The PIN of ${staffId} is shorter than ${MIN_PIN_DIGITS} digits and no longer safe. Choose a new PIN of ${MIN_PIN_DIGITS} to ${MAX_PIN_DIGITS} digits to sign in.`,
            }}
          />
        </p>
        <label>
          <Bi t={{ zh: '新 PIN', en: 'New PIN' }} />
          <input data-testid="new-pin" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(digits(e.target.value))} autoComplete="off" autoFocus />
        </label>
        <label>
          <Bi t={{ zh: '再次输入新 PIN', en: 'New PIN again' }} />
          <input data-testid="new-pin-again" type="password" inputMode="numeric" value={again} onChange={(e) => setAgain(digits(e.target.value))} autoComplete="off" />
        </label>
        {error ? (
          <p className="signin-error" role="alert" data-testid="change-pin-error">
            <Bi t={error} />
          </p>
        ) : null}
        <div className="signin-buttons">
          <button type="submit" className="btn btn-primary btn-big" data-testid="change-pin" disabled={busy}>
            <Bi t={{ zh: '修改并签到', en: 'Change and sign in' }} />
          </button>
          <button type="button" className="btn" data-testid="change-pin-cancel" onClick={onCancel}>
            <Bi t={{ zh: '取消', en: 'Cancel' }} />
          </button>
        </div>
      </form>
    </div>
  );
}
