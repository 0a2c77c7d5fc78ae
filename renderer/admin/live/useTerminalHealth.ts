/** Polls the server for terminal health every 15 s with this admin terminal's own token. */
import { useEffect, useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { useTerminal } from '../../app/context';
import { adminRequest, readJson, trimServer } from '../api/adminFetch';
import { HEALTH_POLL_MS, HealthResponseSchema, type HealthResponse } from './health';

export interface HealthPoll {
  health: HealthResponse | undefined;
  /** Why the last poll failed (the last good answer is kept). */
  error: Bilingual | undefined;
  /** Terminal time of the last good answer. */
  at: number | undefined;
  /** This admin terminal's id (its own row is "this screen"). */
  self?: string;
}

export function useTerminalHealth(): HealthPoll {
  const { identity, params, terminal } = useTerminal();
  const [poll, setPoll] = useState<HealthPoll>({ health: undefined, error: undefined, at: undefined });
  useEffect(() => {
    let stopped = false;
    const base = params.servers[0]!;
    const once = async () => {
      const res = await adminRequest({ server: base, token: identity.token }, `${trimServer(base)}/api/admin/terminals`, 5_000);
      const health = res.ok ? await readJson(res.value, HealthResponseSchema, 'unexpected answer') : res;
      if (stopped) return;
      if (health.ok) return setPoll({ health: health.value, error: undefined, at: terminal.local.now() });
      const f = health.failure;
      const why = f.kind === 'refused' ? `${f.status}` : f.kind === 'invalid' ? 'unexpected answer' : f.detail;
      setPoll((p) => ({ ...p, error: { zh: `无法获取终端状态（${why}），显示的是上次结果。`, en: `Cannot read terminal health (${why}); showing the last answer.` } }));
    };
    void once();
    const h = setInterval(() => void once(), HEALTH_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(h);
    };
  }, [identity.token, params.servers, terminal]);
  return { ...poll, self: identity.terminalId };
}
