/** What a running screen holds (see context.tsx), and the page global the tests read. */
import type { DeviceApi } from '../../shared/devices/contract';
import type { TerminalIdentity } from '../db/database';
import type { Terminal } from '../sync/terminal';
import type { PageParams } from './params';

export interface TerminalEnv {
  terminal: Terminal;
  identity: TerminalIdentity;
  devices: DeviceApi;
  params: PageParams;
}

declare global {
  interface Window {
    /** The running terminal, for the end-to-end tests and benchmarks (read-only use). */
    __hallq?: TerminalEnv;
  }
}
