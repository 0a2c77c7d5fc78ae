/**
 * Which API each page gets from the preload: the explicit table. A page not named here (or a
 * window opened without `--hallq-page=`) gets nothing at all. The display and the admin screen
 * talk to servers only; the setup page and the exit dialog get the shell, nothing else.
 */
import type { DeviceApi } from '../../shared/devices/contract';
import type { ShellBridge } from './shell';

export const PRELOAD_PAGES = ['kiosk', 'counter', 'evaluator', 'display', 'admin', 'setup'] as const;
export type PreloadPage = (typeof PRELOAD_PAGES)[number];
export type PreloadApiName = 'devices' | 'shell';

export const PRELOAD_APIS: Readonly<Record<PreloadPage, ReadonlyArray<PreloadApiName>>> = Object.freeze({
  kiosk: Object.freeze(['devices'] as const),
  counter: Object.freeze(['devices'] as const),
  evaluator: Object.freeze(['devices'] as const),
  display: Object.freeze([] as const),
  admin: Object.freeze([] as const),
  setup: Object.freeze(['shell'] as const),
});

export const PAGE_FLAG = '--hallq-page=';

/**
 * The page named by main in `webPreferences.additionalArguments`. Unknown, empty, missing, or
 * named more than once with different values → undefined (nothing is exposed).
 */
export function pageFromArgv(argv: readonly string[]): PreloadPage | undefined {
  const values = new Set(argv.filter((a) => a.startsWith(PAGE_FLAG)).map((a) => a.slice(PAGE_FLAG.length)));
  if (values.size !== 1) return undefined;
  const [page] = values;
  return (PRELOAD_PAGES as readonly string[]).includes(page!) ? (page as PreloadPage) : undefined;
}

export interface PreloadApi {
  devices?: DeviceApi;
  shell?: ShellBridge;
}

export interface PreloadFactories {
  devices: () => DeviceApi;
  shell: () => ShellBridge;
}

/** The object to expose as `window.hallq`: exactly the page's APIs, built only when granted. */
export function buildPreloadApi(page: PreloadPage, make: PreloadFactories): PreloadApi {
  const api: PreloadApi = {};
  for (const name of PRELOAD_APIS[page]) {
    if (name === 'devices') api.devices = make.devices();
    else api.shell = make.shell();
  }
  return api;
}
