/**
 * Talking to the server about reports with the admin terminal's own token: the report (checked
 * against ReportSchema), its CSV / XLSX file, and a memory of the reports already loaded so the
 * tab still has something to show when the server cannot be reached.
 */
import { ReportSchema, type Report } from '../../../shared/reports/report';
import { fileNameFrom, refusal, type Failure } from './reportFormat';
import { reportUrl, requestKey, type ReportFile, type ReportRequest } from './reportQuery';

/** A report takes the server a moment (it may refold days); past this it counts as unreachable. */
export const REPORT_TIMEOUT_MS = 20_000;

export type FetchLike = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;

export interface Access {
  server: string;
  token: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Aborts the request (a newer query, the tab closed). */
  signal?: AbortSignal;
}

export type Fetched<T> = { ok: true; value: T } | { ok: false; failure: Failure };

async function request(access: Access, url: string): Promise<Fetched<Response>> {
  const abort = new AbortController();
  const timeoutMs = access.timeoutMs ?? REPORT_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  const onAbort = () => abort.abort();
  access.signal?.addEventListener('abort', onAbort);
  try {
    const f = access.fetch ?? ((u, init) => fetch(u, init));
    const res = await f(url, { headers: { authorization: `Bearer ${access.token}` }, signal: abort.signal });
    if (!res.ok) return { ok: false, failure: refusal(res.status, await res.json().catch(() => null)) };
    return { ok: true, value: res };
  } catch (e) {
    const detail = timedOut ? `${Math.round(timeoutMs / 1000)} s timeout` : e instanceof Error ? e.message : String(e);
    return { ok: false, failure: { kind: 'unreachable', detail } };
  } finally {
    clearTimeout(timer);
    access.signal?.removeEventListener('abort', onAbort);
  }
}

export async function fetchReport(access: Access, r: ReportRequest): Promise<Fetched<Report>> {
  const res = await request(access, reportUrl(access.server, r));
  if (!res.ok) return res;
  let body: unknown;
  try {
    body = await res.value.json();
  } catch (e) {
    return { ok: false, failure: { kind: 'invalid', detail: e instanceof Error ? e.message : String(e) } };
  }
  const parsed = ReportSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, failure: { kind: 'invalid', detail: first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'not a report' } };
  }
  return { ok: true, value: parsed.data };
}

export interface ReportFileBlob {
  blob: Blob;
  name: string;
}

/** The report as a file, named as the server names it. */
export async function fetchReportFile(access: Access, r: ReportRequest, file: Exclude<ReportFile, 'json'>): Promise<Fetched<ReportFileBlob>> {
  const res = await request(access, reportUrl(access.server, r, file));
  if (!res.ok) return res;
  try {
    const blob = await res.value.blob();
    return { ok: true, value: { blob, name: fileNameFrom(res.value.headers.get('content-disposition'), `hallq-report.${file}`) } };
  } catch (e) {
    return { ok: false, failure: { kind: 'unreachable', detail: e instanceof Error ? e.message : String(e) } };
  }
}

// --- memory -----------------------------------------------------------------------------------

export interface LoadedReport {
  key: string;
  request: ReportRequest;
  report: Report;
  /** Terminal time the report arrived. */
  loadedAt: number;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The most reports kept in memory (one per query). */
export const REMEMBERED_REPORTS = 12;

/**
 * The reports loaded so far, newest last. The newest also goes to storage (localStorage) so a
 * reloaded page offline still has one; storage that fails or is full is ignored.
 */
export class ReportMemory {
  private readonly entries = new Map<string, LoadedReport>();
  private restored = false;

  constructor(
    private readonly storage?: StorageLike,
    private readonly storageKey = 'hallq.admin.reports.last',
  ) {}

  remember(entry: LoadedReport): void {
    this.restore();
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
    while (this.entries.size > REMEMBERED_REPORTS) this.entries.delete(this.entries.keys().next().value!);
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify(entry));
    } catch {
      // Full or unavailable: memory is enough.
    }
  }

  /** The report loaded for this request, if any. */
  get(r: ReportRequest): LoadedReport | undefined {
    this.restore();
    return this.entries.get(requestKey(r));
  }

  latest(): LoadedReport | undefined {
    this.restore();
    let last: LoadedReport | undefined;
    for (const e of this.entries.values()) last = e;
    return last;
  }

  private restore(): void {
    if (this.restored) return;
    this.restored = true;
    try {
      const text = this.storage?.getItem(this.storageKey);
      if (!text) return;
      const raw = JSON.parse(text) as Partial<LoadedReport>;
      const report = ReportSchema.safeParse(raw.report);
      if (!report.success || typeof raw.loadedAt !== 'number' || !raw.request) return;
      const entry = { key: requestKey(raw.request), request: raw.request, report: report.data, loadedAt: raw.loadedAt };
      this.entries.set(entry.key, entry);
    } catch {
      // A stored report from another version: ignore it.
    }
  }
}
