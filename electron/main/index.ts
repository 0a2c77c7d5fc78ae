/**
 * PLACEHOLDER main-process entry, written only so `npm run build` has something to bundle while
 * the real one (windows per role, app:// protocol, lockdown, IPC) is being written. Replace it.
 */
import { app } from 'electron';

void app.whenReady().then(() => {
  console.error('hallq: placeholder main process (electron/main/index.ts): nothing to show yet');
  app.quit();
});
