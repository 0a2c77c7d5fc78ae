/**
 * 过号 (F6), issue 17: counts down the policy's grace after the call, so the clerk sees how long
 * to wait (pressing early says so and offers a recall); afterwards it opens the confirmation.
 */
import { useEffect } from 'react';
import { checkNoShow } from '../../shared/queue/noShow';
import { useHall, useNow } from '../app/context';
import type { CounterActions } from './actions';
import { TOO_EARLY_MARK, skipLabel } from './noShow';
import { SHORTCUTS } from './shortcuts';
import { useCounter } from './store';
import { ActionButton } from './Workbench';
import { heldTicket } from './windowView';

export function SkipButton({ windowId, actions }: { windowId: string; actions: CounterActions }) {
  const { state } = useHall();
  const busy = useCounter((s) => s.busy);
  const now = useNow(1_000);
  const t = heldTicket(state, windowId);
  const called = t?.status === 'called';
  const check = t && called ? checkNoShow(state.config.policy, t, now) : undefined;
  const remaining = check && !check.ok && check.reason === 'too-early' ? check.remainingMs : undefined;
  const ready = called && remaining === undefined;
  // Once the grace is over, a standing "wait N s" message is no longer true: it goes.
  useEffect(() => {
    if (!ready) return;
    const f = useCounter.getState().flash;
    if (f?.kind === 'error' && f.text.zh.includes(TOO_EARLY_MARK)) useCounter.getState().clearFlash();
  }, [ready]);
  return (
    <span className="skip-slot" data-testid="skip-slot" data-ready={ready ? 'yes' : 'no'}>
      <ActionButton testid="skip" label={skipLabel(remaining)} kbd={SHORTCUTS.skip} onClick={() => void actions.skip()} disabled={busy || !called} tone="warn" />
    </span>
  );
}
