/**
 * Keyboard shortcuts for the actions a clerk repeats all day. Function keys work everywhere;
 * Space calls next too, except while typing in a field. F5, F11 and F12 are left to the browser.
 */
import { useEffect } from 'react';
import type { CounterActions } from './actions';
import { useCounter } from './store';

export const SHORTCUTS = {
  callNext: 'F1 / Space',
  recall: 'F2',
  start: 'F3',
  finish: 'F4',
  skip: 'F6',
  transfer: 'F7',
  pause: 'F8',
  manual: 'F9',
  capture: 'F10',
} as const;

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

export function useShortcuts(actions: CounterActions, enabled: boolean, view: () => { paused: boolean; holding: boolean }): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const store = useCounter.getState();
      if (e.key === 'Escape' && store.dialog) {
        e.preventDefault();
        store.close();
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      // A dialog takes the keyboard while it is open (its own buttons and Escape).
      if (store.dialog) {
        if (e.key === 'F1') e.preventDefault();
        return;
      }
      const act = (fn: () => void) => {
        e.preventDefault();
        if (!e.repeat) fn();
      };
      switch (e.key) {
        case 'F1':
          return act(() => void actions.callNext());
        case ' ':
          if (typing(e.target)) return;
          return act(() => void actions.callNext());
        case 'F2':
          return act(() => void actions.recall());
        case 'F3':
          return act(() => void actions.start());
        case 'F4':
          return act(() => void actions.finish('done'));
        case 'F6':
          return act(() => void actions.skip());
        case 'F7':
          return act(() => (view().holding ? store.open({ t: 'transfer' }) : undefined));
        case 'F8':
          return act(() => (view().paused ? void actions.resume() : store.open({ t: 'pause' })));
        case 'F10':
          return act(() => (view().holding ? store.open({ t: 'capture' }) : undefined));
        case 'F9':
          return act(() => document.querySelector<HTMLInputElement>('[data-testid="manual-number"]')?.focus());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, enabled, view]);
}
