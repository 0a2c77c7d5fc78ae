/**
 * Runs the rating machine (ratingMachine.ts) on the evaluator screen: feeds it the fold's view
 * of the window, clock ticks, touches and keypad presses, and records what it decides as
 * `evaluation.recorded` events.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeviceEvent } from '../../shared/devices/contract';
import type { RatingLevel } from '../../shared/ratings/levels';
import { useDeviceEvents, useHall, useTerminal } from '../app/context';
import { ratingTarget, stepRating, THANKS_MS, type RatingInput, type RatingPhase, type Recording } from './ratingMachine';

const TICK_MS = 500;

export function useRating(windowId: string) {
  const { terminal, devices } = useTerminal();
  const { version } = useHall();
  const local = terminal.local;
  const phaseRef = useRef<RatingPhase>({ t: 'idle' });
  const [phase, setPhase] = useState<RatingPhase>(phaseRef.current);
  // What this screen recorded, before the fold has it (the append is asynchronous).
  const recorded = useRef(new Map<string, RatingLevel | null>());

  const record = useCallback(
    (r: Recording) => {
      recorded.current.set(r.ticketId, r.level);
      const s = local.state;
      const t = s.tickets.get(r.ticketId);
      const staffId = t?.staffId ?? s.windows.get(windowId)?.staffId;
      void local
        .author('evaluation.recorded', { ticketId: r.ticketId, windowId, level: r.level, reasons: r.reasons, source: r.source, ...(staffId ? { staffId } : {}) })
        .catch((err: unknown) => console.warn('hallq evaluator: rating not recorded', err));
      void devices.evaluatorPrompt(false).catch(() => undefined);
    },
    [local, windowId, devices],
  );

  const dispatch = useCallback(
    (input: RatingInput) => {
      const now = local.now();
      const timeoutMs = local.state.config.policy.ratingTimeoutSeconds * 1000;
      const target = ratingTarget(local.state, windowId, now, timeoutMs);
      const step = stepRating(phaseRef.current, input, { now, timeoutMs, thanksMs: THANKS_MS, pending: target.pending?.id, late: target.late?.id, recorded: recorded.current });
      if (step.record) record(step.record);
      // A ticket finished while this screen was off: closed as "no rating", never offered late.
      if (target.stale && !recorded.current.has(target.stale.id)) record({ ticketId: target.stale.id, level: null, reasons: [], source: 'timeout' });
      if (step.phase !== phaseRef.current) {
        phaseRef.current = step.phase;
        setPhase(step.phase);
      }
    },
    [local, windowId, record],
  );

  useEffect(() => dispatch({ t: 'sync' }), [dispatch, version]);
  useEffect(() => {
    const h = setInterval(() => dispatch({ t: 'tick' }), TICK_MS);
    return () => clearInterval(h);
  }, [dispatch]);
  useDeviceEvents(
    useCallback(
      (e: DeviceEvent) => {
        if (e.type === 'evaluator-key') dispatch({ t: 'key', level: e.key.level });
      },
      [dispatch],
    ),
  );

  const ui = useMemo(
    () => ({
      pick: (level: RatingLevel) => dispatch({ t: 'pick', level }),
      toggle: (reason: string) => dispatch({ t: 'toggle', reason }),
      submit: () => dispatch({ t: 'submit' }),
      back: () => dispatch({ t: 'back' }),
    }),
    [dispatch],
  );
  return { phase, ...ui };
}
