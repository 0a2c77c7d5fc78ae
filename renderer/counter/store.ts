/**
 * The counter screen's own state (not the hall's): who is signed in at this terminal, the open
 * dialog, the last message, and whether an action is under way (one at a time: a clerk who
 * presses "call next" twice must not call two citizens).
 */
import { create } from 'zustand';
import type { Bilingual } from '../../shared/config/text';

export type Dialog =
  /** The window still holds a called ticket: no-show or finished, before calling another. */
  | { t: 'settle'; then: { t: 'next' } | { t: 'manual'; ticketId: string; number: string } }
  | { t: 'not-done' }
  /** 过号: confirm the no-show once the policy's grace after the call has passed (issue 17). */
  | { t: 'no-show' }
  | { t: 'transfer' }
  | { t: 'pause' }
  | { t: 'assist' }
  /** 收件拍照: capture the materials of the ticket at the window. */
  | { t: 'capture' };

export interface Flash {
  kind: 'ok' | 'error' | 'info';
  text: Bilingual;
  at: number;
}

interface CounterStore {
  /** The staff member signed in at this terminal (this tab keeps it across a reload). */
  session: string | null;
  /** AB hand-over: the sign-in form is shown for the next clerk while the window stays open. */
  handingOver: boolean;
  dialog: Dialog | null;
  flash: Flash | null;
  busy: boolean;
  setSession(staffId: string | null): void;
  setHandingOver(on: boolean): void;
  open(d: Dialog): void;
  close(): void;
  say(kind: Flash['kind'], text: Bilingual): void;
  clearFlash(): void;
  setBusy(busy: boolean): void;
}

export const useCounter = create<CounterStore>((set) => ({
  session: null,
  handingOver: false,
  dialog: null,
  flash: null,
  busy: false,
  setSession: (session) => set({ session, handingOver: false }),
  setHandingOver: (handingOver) => set({ handingOver }),
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null }),
  say: (kind, text) => set({ flash: { kind, text, at: Date.now() } }),
  clearFlash: () => set({ flash: null }),
  setBusy: (busy) => set({ busy }),
}));

const sessionKey = (terminalId: string) => `hallq-counter-session:${terminalId}`;
const throttleKey = (terminalId: string) => `hallq-counter-pin-throttle:${terminalId}`;

export function loadSession(terminalId: string): string | null {
  try {
    return sessionStorage.getItem(sessionKey(terminalId));
  } catch {
    return null;
  }
}

export function saveSession(terminalId: string, staffId: string | null): void {
  try {
    if (staffId) sessionStorage.setItem(sessionKey(terminalId), staffId);
    else sessionStorage.removeItem(sessionKey(terminalId));
  } catch {
    // Private mode: the clerk signs in again after a reload.
  }
}

/** The PIN throttle outlives a reload (or reloading would reset it). */
export function loadThrottle(terminalId: string): string | null {
  try {
    return localStorage.getItem(throttleKey(terminalId));
  } catch {
    return null;
  }
}

export function saveThrottle(terminalId: string, value: string): void {
  try {
    localStorage.setItem(throttleKey(terminalId), value);
  } catch {
    // Nothing to keep it in: the in-memory throttle still applies.
  }
}
