/**
 * Reports tell the truth (issue 17): a satisfaction rate is coloured by its threshold (0% red,
 * never green) on the cards, in the table and on the chart; the month chart has no days still
 * to come; the files name the hall by its name, not its id.
 */
import { describe, expect, it } from 'vitest';
import { dailyChart, satisfactionPoint } from '../../renderer/admin/reports/reportCharts';
import { kpis, rateTone } from '../../renderer/admin/reports/reportFormat';
import { ReportSchema, type Figures, type Report } from '../../shared/reports/report';
import { SATISFACTION_COLORS, satisfactionTone } from '../../shared/reports/satisfaction';
import { reportSections } from '../../shared/reports/table';
import { reportToCsv, reportToXlsx } from '../../server/store/reportsExport';
import { inflateRawSync } from 'node:zlib';

function figures(rate: number | null): Figures {
  const n = 4;
  return {
    issued: n,
    served: n,
    notDone: 0,
    needsMaterial: 0,
    noShow: 0,
    cancelled: 0,
    unfinished: 0,
    transferred: 0,
    byChannel: { kiosk: n, idcard: 0, appointment: 0, assisted: 0 },
    byPriority: { green: 0, appointment: 0, special: 0, normal: n },
    waited: n,
    waitMedianMin: 5,
    waitP90Min: 9,
    timed: n,
    serviceMedianMin: 8,
    serviceP90Min: 10,
    rated: rate === null ? 0 : 2,
    satisfied: rate === null ? 0 : Math.round(rate * 2),
    bad: 0,
    satisfactionRate: rate,
    levels: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
  };
}

function report(over: Partial<Report> = {}): Report {
  return ReportSchema.parse({
    hall: 'hall-7f3a',
    hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang District Government Service Center' },
    from: '2026-11-01',
    to: '2026-11-30',
    groupBy: 'service',
    timeZone: 'Asia/Shanghai',
    days: 30,
    openDays: 3,
    generatedAt: Date.UTC(2026, 10, 3, 6),
    totals: figures(0),
    groups: [{ key: 'hukou', label: { zh: '户籍办理', en: 'Household registration' }, ...figures(0) }],
    topServices: [],
    hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, issued: 0, avgPerDay: 0 })),
    daily: [
      { day: '2026-11-01', issued: 4, served: 4, noShow: 0, waitMedianMin: 5, rated: 2, satisfactionRate: 0 },
      { day: '2026-11-02', issued: 4, served: 4, noShow: 0, waitMedianMin: 5, rated: 2, satisfactionRate: 0.85 },
      { day: '2026-11-03', issued: 4, served: 4, noShow: 0, waitMedianMin: 5, rated: 0, satisfactionRate: null },
    ],
    ratingReasons: [],
    ...over,
  });
}

describe('reports tell the truth', () => {
  it('a satisfaction rate is coloured by threshold: 0% red, fair amber, good green, nothing rated plain', () => {
    expect(satisfactionTone(0)).toBe('bad');
    expect(satisfactionTone(0.5)).toBe('bad');
    expect(satisfactionTone(0.85)).toBe('fair');
    expect(satisfactionTone(0.95)).toBe('good');
    expect(satisfactionTone(null)).toBe('none');
    expect(rateTone(0)).toBe('bad');
    expect(rateTone(0.85)).toBe('warn');
    expect(rateTone(1)).toBe('good');
    expect(rateTone(null)).toBe('plain');
  });

  it('the satisfaction card of a day rated 0% is red, not green', () => {
    const card = (rate: number | null) => kpis(figures(rate), 1).find((k) => k.key === 'satisfactionRate')!;
    expect(card(0)).toMatchObject({ text: '0%', tone: 'bad' });
    expect(card(0.875)).toMatchObject({ tone: 'warn' });
    expect(card(0.95)).toMatchObject({ tone: 'good' });
    expect(card(null)).toMatchObject({ text: '—', tone: 'plain' });
  });

  it("the daily chart colours each day's satisfaction by threshold and draws nothing for a day nobody rated", () => {
    expect(satisfactionPoint(0)).toEqual({ value: 0, itemStyle: { color: SATISFACTION_COLORS.bad } });
    const o = dailyChart(report(), 'zh');
    const sat = (o.series as Array<{ name: string; data: unknown[] }>).find((s) => s.name === '满意率 Satisfaction')!;
    expect(sat.data).toEqual([
      { value: 0, itemStyle: { color: '#c62828' } },
      { value: 85, itemStyle: { color: '#b26a00' } },
      null,
    ]);
    // The chart's days are the report's: up to today, none still to come.
    expect((o.xAxis as { data: string[] }).data).toEqual(['11-01', '11-02', '11-03']);
  });

  it('the CSV and the XLSX name the hall by its name (Chinese, English alongside), not by its id', () => {
    const csv = reportToCsv(report());
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain('大厅 Hall,朝阳区政务服务中心 Chaoyang District Government Service Center');
    expect(csv).not.toContain('hall-7f3a');
    const summary = reportSections(report()).find((s) => s.id === 'summary')!;
    expect(summary.rows[0]).toEqual(['大厅 Hall', '朝阳区政务服务中心 Chaoyang District Government Service Center']);
    const xlsx = reportToXlsx(report());
    // The summary sheet is the first deflated entry holding the name; the id is nowhere.
    const text = unzipText(xlsx);
    expect(text).toContain('朝阳区政务服务中心 Chaoyang District Government Service Center');
    expect(text).not.toContain('hall-7f3a');
  });
});

function unzipText(buf: Buffer): string {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = buf.readUInt32LE(end + 16);
  let out = '';
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const at = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out += inflateRawSync(buf.subarray(at, at + buf.readUInt32LE(p + 20))).toString('utf8');
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}
