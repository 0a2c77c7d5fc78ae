/**
 * The report's charts as ECharts options (plain data and formatters, no DOM): the hourly load,
 * the daily trend, the five rating levels, the channels and the priority classes. Category
 * labels carry both languages (the leading one first, the other smaller, R14).
 */
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { CHANNELS, PRIORITY_CLASSES } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import type { Figures, Report } from '../../../shared/reports/report';
import { RATING_LABELS, type RatingLevel } from '../../../shared/ratings/levels';
import { SATISFACTION_COLORS, satisfactionTone } from '../../../shared/reports/satisfaction';
import type { Lang } from '../../i18n/lang';
import { CHANNEL_LABELS, PRIORITY_LABELS, fmtCount, fmtMinutes, share } from './reportFormat';

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

/** The screens' font stack (base.css --font): charts draw their own text and need CJK glyphs. */
export const CHART_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', system-ui, sans-serif";

export const COLORS = {
  blue: '#0b4f9c',
  blueLight: '#8fb3dd',
  green: '#1b7a3a',
  amber: '#b26a00',
  red: '#c62828',
  ink: '#1a1a1a',
  muted: '#5b6470',
  line: '#d5dbe3',
};

/** Five levels from very satisfied (green) to very dissatisfied (red). */
export const LEVEL_COLORS: Record<RatingLevel, string> = { 5: '#1b7a3a', 4: '#6aa84f', 3: '#9aa5b1', 2: '#e08a2c', 1: '#c62828' };
const CHANNEL_COLORS = ['#0b4f9c', '#3f88c5', '#e0a030', '#6aa84f'];
const PRIORITY_COLORS: Record<(typeof PRIORITY_CLASSES)[number], string> = { green: '#1b7a3a', appointment: '#e0a030', special: '#8e44ad', normal: '#0b4f9c' };

const lead = (t: Bilingual, lang: Lang) => (lang === 'zh' ? t.zh : t.en);
const alt = (t: Bilingual, lang: Lang) => (lang === 'zh' ? t.en : t.zh);
/** A series or legend name in both languages: "取号 Issued". */
export const both = (t: Bilingual, lang: Lang) => `${lead(t, lang)} ${alt(t, lang)}`;
/** Rich text: the leading language, the other under it, smaller. Braces and bars are dropped. */
const richText = (t: Bilingual, lang: Lang) => `{main|${safe(lead(t, lang))}}\n{alt|${safe(alt(t, lang))}}`;
const safe = (s: string) => s.replace(/[{}|]/g, ' ');

const RICH = {
  main: { fontSize: 13, color: COLORS.ink, fontFamily: CHART_FONT, lineHeight: 17 },
  alt: { fontSize: 11, color: COLORS.muted, fontFamily: CHART_FONT, lineHeight: 14 },
  num: { fontSize: 12, color: COLORS.ink, fontFamily: CHART_FONT, fontWeight: 'bold' as const, lineHeight: 16 },
};

const base = (): ChartOption => ({
  animation: false,
  textStyle: { fontFamily: CHART_FONT, color: COLORS.ink },
  tooltip: { textStyle: { fontFamily: CHART_FONT } },
});

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The hours worth showing: the active ones, and at least 08:00-17:59 (office hours). */
export function hourWindow(hourly: Report['hourly']): { first: number; last: number } {
  const active = hourly.filter((h) => h.issued > 0).map((h) => h.hour);
  if (active.length === 0) return { first: 8, last: 17 };
  return { first: Math.min(8, ...active), last: Math.max(17, ...active) };
}

/** Tickets issued per hour of the day: per open day over a range, the day's count for one day. */
export function hourlyChart(r: Report, lang: Lang): ChartOption {
  const { first, last } = hourWindow(r.hourly);
  const byHour = new Map(r.hourly.map((h) => [h.hour, h]));
  const perDay = r.days > 1;
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const values = hours.map((h) => {
    const x = byHour.get(h);
    return perDay ? Math.round((x?.avgPerDay ?? 0) * 10) / 10 : (x?.issued ?? 0);
  });
  const name: Bilingual = perDay ? { zh: '日均取号', en: 'Tickets per open day' } : { zh: '取号', en: 'Tickets issued' };
  return {
    ...base(),
    grid: { left: 8, right: 12, top: 30, bottom: 4 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      textStyle: { fontFamily: CHART_FONT },
      formatter: (params: unknown) => {
        const p = (Array.isArray(params) ? params[0] : params) as { dataIndex: number };
        const h = hours[p.dataIndex]!;
        const x = byHour.get(h);
        const total = x?.issued ?? 0;
        const head = `${pad(h)}:00–${pad(h + 1)}:00`;
        return perDay
          ? `${head}<br/>${both(name, lang)}: ${fmtMinutes(x?.avgPerDay ?? 0)}<br/>${both({ zh: '合计', en: 'Total' }, lang)}: ${fmtCount(total)}`
          : `${head}<br/>${both(name, lang)}: ${fmtCount(total)}`;
      },
    },
    xAxis: {
      type: 'category',
      data: hours.map((h) => `${pad(h)}:00`),
      axisTick: { alignWithLabel: true },
      axisLabel: { color: COLORS.muted, fontFamily: CHART_FONT },
    },
    yAxis: {
      type: 'value',
      name: both(name, lang),
      nameTextStyle: { color: COLORS.muted, align: 'left', fontFamily: CHART_FONT },
      minInterval: perDay ? 0 : 1,
      splitLine: { lineStyle: { color: '#e6eaf0' } },
      axisLabel: { color: COLORS.muted, fontFamily: CHART_FONT },
    },
    series: [
      {
        type: 'bar',
        name: both(name, lang),
        data: values,
        barMaxWidth: 36,
        itemStyle: { color: COLORS.blue, borderRadius: [3, 3, 0, 0] },
        label: { show: true, position: 'top', color: COLORS.ink, fontSize: 11, fontFamily: CHART_FONT, formatter: (p: { value?: unknown }) => (Number(p.value) > 0 ? String(p.value) : '') },
      },
    ],
  };
}

/** A day's satisfaction as a chart point: the percentage, coloured by its threshold (0% red, never green); none when nothing was rated. */
export function satisfactionPoint(rate: number | null): { value: number; itemStyle: { color: string } } | null {
  const tone = satisfactionTone(rate);
  if (tone === 'none' || rate === null) return null;
  return { value: Math.round(rate * 1000) / 10, itemStyle: { color: SATISFACTION_COLORS[tone] } };
}

/**
 * Issued, served and no-shows per day, and the day's satisfaction rate (right axis, each point
 * coloured by its threshold), for reports longer than a day. The days run up to today: the
 * server leaves days still to come out, so nothing is drawn as 0 before it happened.
 */
export function dailyChart(r: Report, lang: Lang): ChartOption {
  const issued: Bilingual = { zh: '取号', en: 'Issued' };
  const satisfaction: Bilingual = { zh: '满意率', en: 'Satisfaction' };
  const served: Bilingual = { zh: '办结', en: 'Served' };
  const noShow: Bilingual = { zh: '过号', en: 'No-shows' };
  const line = (t: Bilingual, color: string, data: number[], area: boolean): LineSeriesOption => ({
    type: 'line',
    name: both(t, lang),
    data,
    symbol: 'circle',
    symbolSize: r.daily.length > 45 ? 0 : 5,
    showSymbol: r.daily.length <= 45,
    lineStyle: { color, width: 2 },
    itemStyle: { color },
    ...(area ? { areaStyle: { color, opacity: 0.08 } } : {}),
  });
  return {
    ...base(),
    grid: { left: 8, right: 16, top: 40, bottom: 4 },
    legend: { top: 0, right: 0, textStyle: { fontFamily: CHART_FONT, color: COLORS.ink, fontSize: 12 }, itemWidth: 18, itemHeight: 10 },
    tooltip: { trigger: 'axis', textStyle: { fontFamily: CHART_FONT } },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: r.daily.map((d) => d.day.slice(5)),
      axisLabel: { color: COLORS.muted, fontFamily: CHART_FONT, hideOverlap: true },
    },
    yAxis: [
      {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: '#e6eaf0' } },
        axisLabel: { color: COLORS.muted, fontFamily: CHART_FONT },
      },
      {
        type: 'value',
        min: 0,
        max: 100,
        splitLine: { show: false },
        axisLabel: { color: COLORS.muted, fontFamily: CHART_FONT, formatter: '{value}%' },
      },
    ],
    series: [
      line(issued, COLORS.blue, r.daily.map((d) => d.issued), true),
      line(served, COLORS.green, r.daily.map((d) => d.served), false),
      line(noShow, COLORS.amber, r.daily.map((d) => d.noShow), false),
      {
        type: 'line',
        name: both(satisfaction, lang),
        yAxisIndex: 1,
        data: r.daily.map((d) => satisfactionPoint(d.satisfactionRate)),
        connectNulls: true,
        symbol: 'circle',
        symbolSize: 7,
        showSymbol: true,
        lineStyle: { color: COLORS.muted, width: 1, type: 'dashed' },
        itemStyle: { color: COLORS.muted },
      },
    ],
  };
}

/** Horizontal bars with a bilingual label per category and "count (share)" at the bar's end. */
function categoryBars(rows: Array<{ label: Bilingual; value: number; color: string }>, total: number, lang: Lang, seriesName: Bilingual): ChartOption {
  const max = Math.max(1, ...rows.map((x) => x.value));
  return {
    ...base(),
    grid: { left: 4, right: 12, top: 4, bottom: 4 },
    tooltip: { trigger: 'item', textStyle: { fontFamily: CHART_FONT } },
    xAxis: { type: 'value', show: false, max: max * 1.3 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((x) => both(x.label, lang)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: COLORS.line } },
      axisLabel: { formatter: (_: string, i: number) => richText(rows[i]!.label, lang), rich: RICH, align: 'right' },
    },
    series: [
      {
        type: 'bar',
        name: both(seriesName, lang),
        barMaxWidth: 22,
        data: rows.map((x) => ({ value: x.value, itemStyle: { color: x.color, borderRadius: [0, 3, 3, 0] } })),
        label: {
          show: true,
          position: 'right',
          fontFamily: CHART_FONT,
          color: COLORS.ink,
          formatter: (p: { value?: unknown }) => {
            const v = Number(p.value);
            const s = share(v, total);
            return s ? `${fmtCount(v)}  (${s})` : fmtCount(v);
          },
        },
      },
    ],
  };
}

/** R8: the five levels, very satisfied on top; shares of the tickets rated. */
export function levelsChart(f: Figures, lang: Lang): ChartOption {
  const levels: RatingLevel[] = [5, 4, 3, 2, 1];
  return categoryBars(
    levels.map((l) => ({ label: RATING_LABELS[l], value: f.levels[String(l) as keyof Figures['levels']], color: LEVEL_COLORS[l] })),
    f.rated,
    lang,
    { zh: '评价', en: 'Ratings' },
  );
}

export function priorityChart(f: Figures, lang: Lang): ChartOption {
  return categoryBars(
    PRIORITY_CLASSES.map((p) => ({ label: PRIORITY_LABELS[p], value: f.byPriority[p], color: PRIORITY_COLORS[p] })),
    f.issued,
    lang,
    { zh: '取号', en: 'Issued' },
  );
}

/** How tickets were taken: a ring, with each channel's count and share in the legend beside it. */
export function channelChart(f: Figures, lang: Lang): ChartOption {
  const total = CHANNELS.reduce((s, ch) => s + f.byChannel[ch], 0);
  const data = CHANNELS.map((ch, i) => ({
    name: both(CHANNEL_LABELS[ch], lang),
    value: f.byChannel[ch],
    label: CHANNEL_LABELS[ch],
    itemStyle: { color: CHANNEL_COLORS[i]! },
  }));
  return {
    ...base(),
    tooltip: { trigger: 'item', textStyle: { fontFamily: CHART_FONT }, formatter: (p: unknown) => {
      const x = p as { name: string; value: number; percent: number };
      return `${x.name}<br/>${fmtCount(x.value)} (${x.percent}%)`;
    } },
    legend: {
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemWidth: 12,
      itemHeight: 12,
      icon: 'circle',
      textStyle: { fontFamily: CHART_FONT, rich: RICH },
      formatter: (name: string) => {
        const i = data.findIndex((d) => d.name === name);
        const d = data[i]!;
        const pct = share(d.value, total);
        return `${richText(d.label, lang)}  {num|${fmtCount(d.value)}}${pct ? `  {alt|${pct}}` : ''}`;
      },
    },
    series: [
      {
        type: 'pie',
        radius: ['45%', '78%'],
        center: ['30%', '50%'],
        label: { show: false },
        labelLine: { show: false },
        data: data.map((d) => ({ name: d.name, value: d.value, itemStyle: d.itemStyle })),
      },
    ],
  };
}
