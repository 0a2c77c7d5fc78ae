/**
 * Displays and kiosks must not blank or lock the screen during opening hours: a dark call board
 * looks broken, and a kiosk behind a lock screen issues no tickets. Electron's powerSaveBlocker
 * comes in as an argument (after Signal Desktop's PreventDisplaySleepService).
 */
import type { PowerSaveBlocker } from 'electron';

export class KeepDisplayAwake {
  private id: number | undefined;

  constructor(private readonly blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>) {}

  get active(): boolean {
    return this.id !== undefined && this.blocker.isStarted(this.id);
  }

  /** Idempotent: a second start keeps the one blocker rather than stacking another. */
  start(): void {
    if (this.active) return;
    this.id = this.blocker.start('prevent-display-sleep');
  }

  stop(): void {
    if (this.id === undefined) return;
    if (this.blocker.isStarted(this.id)) this.blocker.stop(this.id);
    this.id = undefined;
  }
}
