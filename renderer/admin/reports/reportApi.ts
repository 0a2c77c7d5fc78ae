/**
 * Talking to the server about reports with the admin terminal's own token: the report (checked
 * against ReportSchema), its CSV / XLSX file, and a memory of the reports already loaded so the
 * tab still has something to show when the server cannot be reached.
 */
import { ReportSchema, type Report } from '../../../shared/reports/report';
import { adminRequest, readBlob, readJson, type Access, type Fetched } from '../api/adminFetch';
import { fileNameFrom, reportRefusal } from './reportFormat';
import { reportUrl, requestKey, type ReportFile, type ReportRequest } from './reportQuery';

/** A report takes the server a moment (it may refold days); past this it counts as unreachable. */
export const REPORT_TIMEOUT_MS = 20_000;

export type { Access, Fetched, FetchLike } from '../api/adminFetch';

/** A refusal of this terminal's token says so in report words (reportFormat.refusal). */
function asReport<T>(r: Fetched<T>): Fetched<T> {
  return !r.ok && r.failure.kind === 'refused' && (r.failure.status === 401 || r.failure.status === 403) ? { ok: false, failure: reportRefusal(r.failure) } : r;
}

export async function fetchReport(access: Access, r: ReportRequest): Promise<Fetched<Report>> {
  const res = await adminRequest(access, reportUrl(access.server, r), REPORT_TIMEOUT_MS);
  return asReport(res.ok ? await readJson(res.value, ReportSchema, 'not a report') : res);
}

export interface ReportFileBlob {
  blob: Blob;
  name: string;
}

/** The report as a file, named as the server names it. */
export async function fetchReportFile(access: Access, r: ReportRequest, file: Exclude<ReportFile, 'json'>): Promise<Fetched<ReportFileBlob>> {
  const res = await adminRequest(access, reportUrl(access.server, r, file), REPORT_TIMEOUT_MS);
  if (!res.ok) return asReport(res);
  const blob = await readBlob(res.value);
  return blob.ok ? { ok: true, value: { blob: blob.value, name: fileNameFrom(res.value.headers.get('content-disposition'), `hallq-report.${file}`) } } : blob;
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
