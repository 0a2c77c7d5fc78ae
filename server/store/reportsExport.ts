/**
 * A report as a file: CSV (every table one after the other) or XLSX (a sheet per table), with
 * Chinese + English headers from shared/reports/table.ts.
 */
import type { Report } from '../../shared/reports/report';
import { reportSections, type Cell, type CellFormat } from '../../shared/reports/table';
import { xlsxWorkbook, type XlsxFormat } from './reportsXlsx';

const BOM = '\uFEFF';

const heading = (t: { zh: string; en: string }) => `${t.zh} ${t.en}`;

/** UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF lines, RFC 4180 quoting. */
export function reportToCsv(report: Report): string {
  const lines: string[] = [];
  for (const s of reportSections(report)) {
    if (lines.length) lines.push('');
    lines.push(csvRow([heading(s.title)]));
    lines.push(csvRow(s.columns.map((c) => heading(c.title))));
    for (const row of s.rows) lines.push(csvRow(row));
  }
  return BOM + lines.join('\r\n') + '\r\n';
}

function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(',');
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  // A name typed by an admin must not run as a formula when the file is opened.
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const XLSX_FORMAT: Record<CellFormat, XlsxFormat> = { text: 'text', count: 'integer', decimal: 'decimal', rate: 'percent' };

export function reportToXlsx(report: Report): Buffer {
  return xlsxWorkbook(
    reportSections(report).map((s) => ({
      name: heading(s.title),
      header: s.columns.map((c) => heading(c.title)),
      formats: s.columns.map((c) => XLSX_FORMAT[c.format]),
      rows: s.rows,
    })),
  );
}

/** hallq-report_<hall>_<from>_<to>_<groupBy>: ASCII, safe in a Content-Disposition header. */
export function reportFileName(report: Report): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');
  return `hallq-report_${safe(report.hall)}_${report.from}_${report.to}_${report.groupBy}`;
}
