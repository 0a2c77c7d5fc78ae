/**
 * 过号 (F6), issue 17: counts down the policy's grace after the call, so the clerk sees how long
 * to wait (pressing early says so and offers a recall); afterwards it opens the confirmation.
 */
import { checkNoShow } from '../../shared/queue/noShow';
import { useHall, useNow } from '../app/context';
import type { CounterActions } from './actions';
import { skipLabel } from './noShow';
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
  return (
    <span className="skip-slot" data-testid="skip-slot" data-ready={called && remaining === undefined ? 'yes' : 'no'}>
      <ActionButton testid="skip" label={skipLabel(remaining)} kbd={SHORTCUTS.skip} onClick={() => void actions.skip()} disabled={busy || !called} tone="warn" />
    </span>
  );
}
