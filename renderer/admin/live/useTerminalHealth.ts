/** Polls the server for terminal health every 15 s with this admin terminal's own token. */
import { useEffect, useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { useTerminal } from '../../app/context';
import { HEALTH_POLL_MS, HealthResponseSchema, type HealthResponse } from './health';

export interface HealthPoll {
  health: HealthResponse | undefined;
  /** Why the last poll failed (the last good answer is kept). */
  error: Bilingual | undefined;
  /** Terminal time of the last good answer. */
  at: number | undefined;
}

export function useTerminalHealth(): HealthPoll {
  const { identity, params, terminal } = useTerminal();
  const [poll, setPoll] = useState<HealthPoll>({ health: undefined, error: undefined, at: undefined });
  useEffect(() => {
    let stopped = false;
    const base = params.servers[0]!;
    const once = async () => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 5_000);
      try {
        const res = await fetch(`${base}/api/admin/terminals`, { headers: { authorization: `Bearer ${identity.token}` }, signal: abort.signal });
        const body: unknown = await res.json().catch(() => null);
        if (!res.ok) throw new Error(`${res.status}`);
        const parsed = HealthResponseSchema.safeParse(body);
        if (!parsed.success) throw new Error('unexpected answer');
        if (!stopped) setPoll({ health: parsed.data, error: undefined, at: terminal.local.now() });
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        if (!stopped) setPoll((p) => ({ ...p, error: { zh: `无法获取终端状态（${why}），显示的是上次结果。`, en: `Cannot read terminal health (${why}); showing the last answer.` } }));
      } finally {
        clearTimeout(timer);
      }
    };
    void once();
    const h = setInterval(() => void once(), HEALTH_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(h);
    };
  }, [identity.token, params.servers, terminal]);
  return poll;
}
