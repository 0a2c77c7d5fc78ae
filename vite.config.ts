/**
 * The screens: one multi-page app, an entry per role. `npm run build:web` writes dist/web, which
 * the hall server serves in web mode and the Electron shell loads from its app:// protocol.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export const ROLES = ['kiosk', 'counter', 'evaluator', 'display', 'admin'] as const;
const root = resolve(import.meta.dirname, 'renderer');

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    rollupOptions: {
      // Besides the roles: the landing page, and the Electron shell's setup / exit page.
      input: Object.fromEntries([...ROLES, 'setup', 'index'].map((r) => [r, resolve(root, r === 'index' ? 'index.html' : `${r}/index.html`)])),
    },
  },
});
