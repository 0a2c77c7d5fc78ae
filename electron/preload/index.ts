/**
 * The preload entry (sandboxed: it may require 'electron' only; the build bundles the rest).
 * Main names the page in `--hallq-page=`; the page gets exactly its APIs (./apis) as
 * `window.hallq`, or nothing at all.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi, pageFromArgv } from './apis';
import { devicesBridge } from './devices';
import { shellBridge } from './shell';

const page = pageFromArgv(process.argv);
if (page) {
  const api = buildPreloadApi(page, { devices: () => devicesBridge(ipcRenderer), shell: () => shellBridge(ipcRenderer) });
  if (Object.keys(api).length > 0) contextBridge.exposeInMainWorld('hallq', api);
}
