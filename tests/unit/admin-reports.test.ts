import { describe, expect, it } from 'vitest';
import { ReportSchema, type Figures, type Report, type ReportGroup } from '../../shared/reports/report';
import { fetchReport, fetchReportFile, ReportMemory, REMEMBERED_REPORTS, type FetchLike, type LoadedReport, type StorageLike } from '../../renderer/admin/reports/reportApi';
import { CHART_FONT, LEVEL_COLORS, channelChart, dailyChart, hourWindow, hourlyChart, levelsChart, priorityChart } from '../../renderer/admin/reports/reportCharts';
import { fileNameFrom, fmtMinutes, fmtRate, failureText, groupAttr, kpis, nextSort, refusal, sortGroups, staleNote } from '../../renderer/admin/reports/reportFormat';
import {
  canStepForward,
  defaultRequest,
  rangeTitle,
  reportQueryString,
  reportUrl,
  requestKey,
  requestProblem,
  requestRange,
  stepRequest,
  withPeriod,
  type ReportRequest,
} from '../../renderer/admin/reports/reportQuery';

function figures(issued: number, extra: Partial<Figures> = {}): Figures {
  return {
    issued,
    served: issued,
    notDone: 0,
    needsMaterial: 0,
    noShow: 0,
    cancelled: 0,
    unfinished: 0,
    transferred: 0,
    byChannel: { kiosk: issued, idcard: 0, appointment: 0, assisted: 0 },
    byPriority: { green: 0, appointment: 0, special: 0, normal: issued },
    waited: issued,
    waitMedianMin: 12.5,
    waitP90Min: 30,
    timed: issued,
    serviceMedianMin: 8,
    serviceP90Min: null,
    rated: 2,
    satisfied: 1,
    bad: 1,
    satisfactionRate: 0.5,
    levels: { '1': 1, '2': 0, '3': 0, '4': 0, '5': 1 },
    ...extra,
  };
}

const group = (key: string | null, issued: number, extra: Partial<Figures> = {}, label = key ? { zh: `业务${key}`, en: `Service ${key}` } : null): ReportGroup => ({ key, label, ...figures(issued, extra) });

function makeReport(over: Partial<Report> = {}): Report {
  return ReportSchema.parse({
    hall: 'demo-hall',
    from: '2026-04-01',
    to: '2026-04-30',
    groupBy: 'service',
    timeZone: 'Asia/Shanghai',
    days: 30,
    openDays: 20,
    generatedAt: Date.UTC(2026, 4, 2, 6, 5),
    totals: figures(6),
    groups: [group('a', 4), group('b', 2)],
    topServices: [
      { rank: 1, serviceId: 'a', label: { zh: '业务a', en: 'Service a' }, issued: 4, served: 4 },
      { rank: 2, serviceId: 'b', label: null, issued: 2, served: 2 },
    ],
    hourly: Array.from({ length: 24 }, (_, hour) => ({ hour, issued: hour === 9 ? 4 : hour === 19 ? 2 : 0, avgPerDay: hour === 9 ? 0.2 : hour === 19 ? 0.1 : 0 })),
    daily: Array.from({ length: 30 }, (_, i) => ({ day: `2026-04-${String(i + 1).padStart(2, '0')}`, issued: i, served: i, noShow: 0, waitMedianMin: null, rated: 0, satisfactionRate: null })),
    ratingReasons: [{ reason: 'slow', label: { zh: '办理效率低', en: 'Too slow' }, count: 1 }],
    ...over,
  });
}

const month = (date: string, groupBy: ReportRequest['groupBy'] = 'service'): ReportRequest => ({ period: 'month', date, from: date, to: date, groupBy });

describe('the report query', () => {
  it('asks for a period around a date, or for a custom range, always saying how to group', () => {
    expect(reportQueryString(month('2026-04-15', 'window'))).toBe('period=month&date=2026-04-15&groupBy=window');
    expect(reportQueryString({ period: 'custom', date: '2026-04-15', from: '2026-03-01', to: '2026-04-15', groupBy: 'staff' })).toBe('from=2026-03-01&to=2026-04-15&groupBy=staff');
    expect(reportUrl('http://hall:8080/', month('2026-04-15'), 'csv')).toBe('http://hall:8080/api/admin/reports.csv?period=month&date=2026-04-15&groupBy=service');
    expect(reportUrl('http://hall:8080', month('2026-04-15'))).toBe('http://hall:8080/api/admin/reports?period=month&date=2026-04-15&groupBy=service');
  });

  it('starts with today by service, and any date in a month asks for the same report', () => {
    expect(defaultRequest('2026-05-15')).toEqual({ period: 'day', date: '2026-05-15', from: '2026-05-15', to: '2026-05-15', groupBy: 'service' });
    expect(requestKey(month('2026-04-03'))).toBe(requestKey(month('2026-04-29')));
    expect(requestKey(month('2026-04-03'))).not.toBe(requestKey(month('2026-04-03', 'staff')));
    expect(requestRange(month('2026-02-10'))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });

  it('previous and next move by whole periods, landing on the first day; a custom range moves by its length', () => {
    expect(stepRequest(month('2026-03-31'), -1).date).toBe('2026-02-01');
    expect(stepRequest(month('2026-12-15'), 1).date).toBe('2027-01-01');
    expect(stepRequest({ ...month('2026-05-20'), period: 'quarter' }, -1).date).toBe('2026-01-01');
    // Weeks run Monday to Sunday: 2026-05-13 is a Wednesday.
    expect(stepRequest({ ...month('2026-05-13'), period: 'week' }, -1).date).toBe('2026-05-04');
    expect(stepRequest({ ...month('2026-05-13'), period: 'week' }, 1).date).toBe('2026-05-18');
    expect(stepRequest({ ...month('2026-03-01'), period: 'day' }, -1).date).toBe('2026-02-28');
    const custom: ReportRequest = { period: 'custom', date: '2026-05-01', from: '2026-05-01', to: '2026-05-10', groupBy: 'service' };
    expect(stepRequest(custom, -1)).toMatchObject({ from: '2026-04-21', to: '2026-04-30' });
  });

  it('offers no next period that has not begun yet', () => {
    expect(canStepForward(month('2026-05-15'), '2026-05-15')).toBe(false);
    expect(canStepForward(month('2026-04-15'), '2026-05-01')).toBe(true);
    expect(canStepForward({ ...month('2026-05-14'), period: 'day' }, '2026-05-15')).toBe(true);
  });

  it('switching to a custom range starts from the period on screen; back to a period takes the range\'s last day', () => {
    const custom = withPeriod(month('2026-04-15'), 'custom');
    expect(custom).toMatchObject({ period: 'custom', from: '2026-04-01', to: '2026-04-30' });
    expect(withPeriod({ ...custom, to: '2026-04-20' }, 'week')).toMatchObject({ period: 'week', date: '2026-04-20' });
  });

  it('refuses, in both languages, a range that ends before it starts or is longer than the server allows', () => {
    const r = (from: string, to: string): ReportRequest => ({ period: 'custom', date: from, from, to, groupBy: 'service' });
    expect(requestProblem(r('2026-04-02', '2026-04-01'))?.zh).toBe('结束日期早于开始日期');
    expect(requestProblem(r('2025-01-01', '2026-04-01'))?.en).toMatch(/at most 400 days/);
    expect(requestProblem(r('2026-04-01', ''))?.zh).toContain('请选择');
    expect(requestProblem({ ...month('2026-04-01'), date: '' })).not.toBeNull();
    expect(requestProblem(r('2026-01-01', '2026-03-31'))).toBeNull();
    expect(canStepForward(r('2026-04-02', '2026-04-01'), '2026-05-01')).toBe(false);
  });

  it('names the days as people say them', () => {
    expect(rangeTitle('month', '2026-04-01', '2026-04-30')).toEqual({ zh: '2026年4月', en: 'Apr 2026' });
    expect(rangeTitle('quarter', '2026-04-01', '2026-06-30')).toEqual({ zh: '2026年第二季度', en: 'Q2 2026' });
    expect(rangeTitle('day', '2026-05-15', '2026-05-15')).toEqual({ zh: '2026年5月15日 星期五', en: 'Fri 15 May 2026' });
    expect(rangeTitle('week', '2026-04-27', '2026-05-03')).toEqual({ zh: '2026年4月27日 至 5月3日', en: '27 Apr – 3 May 2026' });
    expect(rangeTitle('custom', '2025-12-01', '2026-01-31')).toEqual({ zh: '2025年12月1日 至 2026年1月31日', en: '1 Dec 2025 – 31 Jan 2026' });
  });
});

describe('the figures on screen', () => {
  it('minutes keep one decimal, rates read as percentages, and a figure without a sample is a dash', () => {
    expect(fmtMinutes(12.46)).toBe('12.5');
    expect(fmtMinutes(8)).toBe('8');
    expect(fmtMinutes(null)).toBe('—');
    expect(fmtRate(0.9234)).toBe('92.3%');
    expect(fmtRate(1)).toBe('100%');
    expect(fmtRate(null)).toBe('—');
  });

  it('the KPI cards carry the raw figure for tests and tools, and an empty one when nothing was measured', () => {
    const cards = kpis(figures(40, { noShow: 3, transferred: 2, notDone: 1, needsMaterial: 4, satisfactionRate: 0.875, waitMedianMin: null }), 20);
    const byKey = Object.fromEntries(cards.map((k) => [k.key, k]));
    expect(cards.map((k) => k.key)).toEqual(['issued', 'served', 'notDone', 'noShow', 'transferred', 'rated', 'waitMedian', 'waitP90', 'serviceMedian', 'serviceP90', 'satisfactionRate', 'bad']);
    expect(byKey.issued).toMatchObject({ value: '40', text: '40', note: { zh: '日均 2' } });
    expect(byKey.notDone).toMatchObject({ value: '1', tone: 'bad', note: { zh: '另需补材料 4' } });
    expect(byKey.satisfactionRate).toMatchObject({ value: '0.875', text: '87.5%' });
    expect(byKey.waitMedian).toMatchObject({ value: '', text: '—' });
    expect(byKey.waitP90).toMatchObject({ value: '30', text: '30', unit: { zh: '分钟', en: 'min' } });
  });

  it('the groups table sorts by a column with groups lacking the figure last, and by name in the reader\'s language', () => {
    const groups = [group('a', 5, { waitMedianMin: null }), group('b', 9, { waitMedianMin: 3 }), group('c', 5, { waitMedianMin: 10 }), group(null, 1, { waitMedianMin: 20 })];
    const keys = (gs: ReportGroup[]) => gs.map((g) => g.key);
    expect(keys(sortGroups(groups, { column: 'issued', dir: 'desc' }, 'zh'))).toEqual(['b', 'a', 'c', null]);
    expect(keys(sortGroups(groups, { column: 'issued', dir: 'asc' }, 'zh'))).toEqual([null, 'a', 'c', 'b']);
    expect(keys(sortGroups(groups, { column: 'waitMedianMin', dir: 'asc' }, 'zh'))).toEqual(['b', 'c', null, 'a']);
    expect(keys(sortGroups(groups, { column: 'waitMedianMin', dir: 'desc' }, 'zh'))).toEqual([null, 'c', 'b', 'a']);
    expect(keys(sortGroups(groups, { column: null, dir: 'desc' }, 'zh'))).toEqual(['a', 'b', 'c', null]);
    const named = [group('x', 1, {}, { zh: '社保', en: 'Social security' }), group('y', 1, {}, { zh: '户籍', en: 'Household' })];
    expect(keys(sortGroups(named, { column: 'name', dir: 'asc' }, 'en'))).toEqual(['y', 'x']);
    expect(nextSort({ column: 'issued', dir: 'desc' }, 'issued')).toEqual({ column: 'issued', dir: 'asc' });
    expect(nextSort({ column: 'issued', dir: 'desc' }, 'name')).toEqual({ column: 'name', dir: 'asc' });
    expect(nextSort({ column: null, dir: 'desc' }, 'bad')).toEqual({ column: 'bad', dir: 'desc' });
    expect(groupAttr(null)).toBe('(none)');
  });

  it('a kept report says when it was loaded, in the hall\'s time, with the date when it was not today', () => {
    const at = Date.UTC(2026, 4, 15, 6, 7); // 14:07 in Shanghai
    expect(staleNote(at, 'Asia/Shanghai', '2026-05-15')).toEqual({ zh: '显示的是 14:07 的结果（无法连接服务器）', en: 'Showing the report as of 14:07 (server unreachable)' });
    expect(staleNote(at, 'Asia/Shanghai', '2026-05-16').zh).toBe('显示的是 2026-05-15 14:07 的结果（无法连接服务器）');
  });

  it('a refusal shows the server\'s own message in both languages; a lost token says the terminal may not read reports', () => {
    const r = refusal(400, { error: 'range-too-long', message: 'a report covers at most 400 days; this range has 500', messageZh: '报表最多覆盖 400 天' });
    expect(r).toEqual({ kind: 'refused', status: 400, code: 'range-too-long', message: { zh: '报表最多覆盖 400 天', en: 'a report covers at most 400 days; this range has 500' } });
    expect(failureText(r).zh).toBe('服务器拒绝了请求：报表最多覆盖 400 天');
    expect(refusal(403, { error: 'forbidden', message: 'admins only' })).toMatchObject({ message: { zh: '本机无权查看报表（admins only）' } });
    expect(refusal(502, null)).toMatchObject({ code: 'http-502', message: { en: 'HTTP 502' } });
  });

  it('a download is named as the server names it, never with a path', () => {
    expect(fileNameFrom('attachment; filename="hallq-report_demo_2026-04-01_2026-04-30_service.csv"', 'x')).toBe('hallq-report_demo_2026-04-01_2026-04-30_service.csv');
    expect(fileNameFrom("attachment; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.xlsx", 'x')).toBe('报表.xlsx');
    expect(fileNameFrom('attachment; filename=report.csv', 'x')).toBe('report.csv');
    expect(fileNameFrom('attachment; filename="../../etc/passwd"', 'x')).toBe('passwd');
    expect(fileNameFrom(null, 'hallq-report.csv')).toBe('hallq-report.csv');
    expect(fileNameFrom('attachment', 'hallq-report.csv')).toBe('hallq-report.csv');
  });
});

describe('asking the server', () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const recorder = (answer: (url: string) => Promise<Response>) => {
    const calls: Array<{ url: string; auth: string | undefined }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, auth: (init.headers as Record<string, string> | undefined)?.authorization });
      return answer(url);
    };
    return { calls, fetch };
  };

  it('sends the admin terminal\'s token and takes a report that matches the schema', async () => {
    const report = makeReport();
    const { calls, fetch } = recorder(async () => json(200, report));
    const res = await fetchReport({ server: 'http://hall', token: 'tok', fetch }, month('2026-04-15'));
    expect(res).toEqual({ ok: true, value: report });
    expect(calls).toEqual([{ url: 'http://hall/api/admin/reports?period=month&date=2026-04-15&groupBy=service', auth: 'Bearer tok' }]);
  });

  it('an answer that is not a report is refused with where it differs', async () => {
    const { fetch } = recorder(async () => json(200, { ...makeReport(), totals: { issued: -1 } }));
    const res = await fetchReport({ server: 'http://hall', token: 't', fetch }, month('2026-04-15'));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.failure).toMatchObject({ kind: 'invalid', detail: expect.stringContaining('totals') });
  });

  it('a refusal keeps the server\'s bilingual message; no answer at all is "unreachable"', async () => {
    const refused = await fetchReport({ server: 'http://hall', token: 't', fetch: recorder(async () => json(400, { error: 'bad-range', message: 'to is before from', messageZh: '结束日期早于开始日期' })).fetch }, month('2026-04-15'));
    expect(refused).toEqual({ ok: false, failure: { kind: 'refused', status: 400, code: 'bad-range', message: { zh: '结束日期早于开始日期', en: 'to is before from' } } });
    const down = await fetchReport({ server: 'http://hall', token: 't', fetch: recorder(() => Promise.reject(new TypeError('Failed to fetch'))).fetch }, month('2026-04-15'));
    expect(down).toEqual({ ok: false, failure: { kind: 'unreachable', detail: 'Failed to fetch' } });
  });

  it('a server that does not answer in time counts as unreachable', async () => {
    const hang: FetchLike = (_url, init) => new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const res = await fetchReport({ server: 'http://hall', token: 't', fetch: hang, timeoutMs: 20 }, month('2026-04-15'));
    expect(res).toEqual({ ok: false, failure: { kind: 'unreachable', detail: '0 s timeout' } });
  });

  it('an export comes back as a file named by the server', async () => {
    const { calls, fetch } = recorder(async () => new Response('\uFEFF概况 Summary\r\n', { status: 200, headers: { 'content-disposition': 'attachment; filename="hallq-report_demo_2026-04-01_2026-04-30_service.csv"' } }));
    const res = await fetchReportFile({ server: 'http://hall', token: 't', fetch }, month('2026-04-15'), 'csv');
    expect(calls[0]!.url).toBe('http://hall/api/admin/reports.csv?period=month&date=2026-04-15&groupBy=service');
    expect(res.ok && res.value.name).toBe('hallq-report_demo_2026-04-01_2026-04-30_service.csv');
    expect(res.ok && (await res.value.blob.text())).toContain('概况 Summary');
  });
});

describe('reports kept for when the server cannot be reached', () => {
  const entry = (r: ReportRequest, loadedAt = 1): LoadedReport => ({ key: requestKey(r), request: r, report: makeReport(), loadedAt });
  const memoryStorage = () => {
    const m = new Map<string, string>();
    const s: StorageLike = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
    return { m, s };
  };

  it('finds the report loaded for a query, and the latest one loaded for any other', () => {
    const mem = new ReportMemory();
    mem.remember(entry(month('2026-03-10'), 1));
    mem.remember(entry(month('2026-04-10'), 2));
    expect(mem.get(month('2026-03-31'))?.loadedAt).toBe(1);
    expect(mem.get(month('2026-02-01'))).toBeUndefined();
    expect(mem.latest()?.loadedAt).toBe(2);
    mem.remember(entry(month('2026-03-05'), 3));
    expect(mem.latest()?.loadedAt).toBe(3);
  });

  it('keeps a bounded number of reports, dropping the oldest', () => {
    const mem = new ReportMemory();
    for (let i = 0; i < REMEMBERED_REPORTS + 2; i++) mem.remember(entry({ ...month('2026-01-01'), period: 'day', date: `2026-01-${String(i + 1).padStart(2, '0')}` }, i));
    expect(mem.get({ ...month('2026-01-01'), period: 'day', date: '2026-01-01' })).toBeUndefined();
    expect(mem.get({ ...month('2026-01-01'), period: 'day', date: '2026-01-03' })?.loadedAt).toBe(2);
  });

  it('the latest report survives a reload through storage; a damaged or full storage is ignored', () => {
    const { m, s } = memoryStorage();
    new ReportMemory(s).remember(entry(month('2026-04-10'), 42));
    const again = new ReportMemory(s);
    expect(again.latest()).toMatchObject({ loadedAt: 42, report: { from: '2026-04-01' } });
    expect(again.get(month('2026-04-20'))?.loadedAt).toBe(42);
    m.set('hallq.admin.reports.last', '{"report":{"hall":1}}');
    expect(new ReportMemory(s).latest()).toBeUndefined();
    const full: StorageLike = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    const mem = new ReportMemory(full);
    mem.remember(entry(month('2026-04-10')));
    expect(mem.latest()).toBeDefined();
  });
});

describe('the charts', () => {
  it('the hourly load over a range is per open day, over a single day the day\'s count, office hours always shown', () => {
    const month = hourlyChart(makeReport(), 'zh');
    const bars = (month.series as Array<{ data: number[] }>)[0]!;
    const hours = (month.xAxis as { data: string[] }).data;
    expect(hours[0]).toBe('08:00');
    expect(hours.at(-1)).toBe('19:00');
    expect(bars.data[hours.indexOf('09:00')]).toBe(0.2);
    expect((month.yAxis as { name: string }).name).toBe('日均取号 Tickets per open day');

    const day = hourlyChart(makeReport({ from: '2026-04-01', to: '2026-04-01', days: 1, openDays: 1 }), 'en');
    expect((day.series as Array<{ data: number[] }>)[0]!.data[1]).toBe(4);
    expect((day.yAxis as { name: string }).name).toBe('Tickets issued 取号');
    expect(hourWindow(makeReport().hourly.map((h) => ({ ...h, issued: 0 })))).toEqual({ first: 8, last: 17 });
  });

  it('the daily trend has a point per day for issued, served, no-shows and satisfaction', () => {
    const o = dailyChart(makeReport(), 'zh');
    const series = o.series as Array<{ name: string; data: number[] }>;
    expect(series.map((s) => s.name)).toEqual(['取号 Issued', '办结 Served', '过号 No-shows', '满意率 Satisfaction']);
    expect(series.every((s) => s.data.length === 30)).toBe(true);
    expect((o.xAxis as { data: string[] }).data[0]).toBe('04-01');
  });

  it('the five rating levels run from very satisfied to very dissatisfied, coloured green to red, with shares of the rated', () => {
    const o = levelsChart(figures(10, { rated: 4, levels: { '1': 1, '2': 0, '3': 0, '4': 1, '5': 2 } }), 'zh');
    const y = o.yAxis as { data: string[]; axisLabel: { formatter: (v: string, i: number) => string } };
    expect(y.data).toEqual(['非常满意 Very satisfied', '满意 Satisfied', '基本满意 Fairly satisfied', '不满意 Dissatisfied', '非常不满意 Very dissatisfied']);
    expect(y.axisLabel.formatter('', 4)).toBe('{main|非常不满意}\n{alt|Very dissatisfied}');
    const s = (o.series as Array<{ data: Array<{ value: number; itemStyle: { color: string } }>; label: { formatter: (p: { value: number }) => string } }>)[0]!;
    expect(s.data.map((d) => d.value)).toEqual([2, 1, 0, 0, 1]);
    expect(s.data[0]!.itemStyle.color).toBe(LEVEL_COLORS[5]);
    expect(s.data[4]!.itemStyle.color).toBe(LEVEL_COLORS[1]);
    expect(s.label.formatter({ value: 2 })).toBe('2  (50%)');
  });

  it('channels and priority classes are named as the hall names them, in the reader\'s language first', () => {
    const f = figures(10, { byChannel: { kiosk: 5, idcard: 3, appointment: 1, assisted: 1 }, byPriority: { green: 1, appointment: 1, special: 2, normal: 6 } });
    const pie = (channelChart(f, 'en').series as Array<{ data: Array<{ name: string; value: number }> }>)[0]!;
    expect(pie.data).toMatchObject([
      { name: 'Kiosk 自助取号', value: 5 },
      { name: 'ID card 刷身份证', value: 3 },
      { name: 'Appointment 预约', value: 1 },
      { name: 'Assisted 协助取号', value: 1 },
    ]);
    const bars = priorityChart(f, 'zh');
    expect((bars.yAxis as { data: string[] }).data).toEqual(['绿色通道 Green channel', '预约优先 Appointment', '特殊群体优先 Special groups', '普通 Normal']);
  });

  it('every chart draws its text with the CJK font stack and without animation (stable screenshots)', () => {
    for (const o of [hourlyChart(makeReport(), 'zh'), dailyChart(makeReport(), 'zh'), levelsChart(figures(1), 'zh'), channelChart(figures(1), 'zh'), priorityChart(figures(1), 'zh')]) {
      expect(o.textStyle).toMatchObject({ fontFamily: CHART_FONT });
      expect(o.animation).toBe(false);
    }
    expect(CHART_FONT).toContain('Noto Sans CJK SC');
  });
});
