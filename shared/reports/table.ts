/**
 * A report as tables with Chinese + English headers: what the CSV and XLSX exports write (and
 * what a screen can show). Cells are numbers or text; a rate is a fraction, a time in minutes.
 */
import type { Bilingual } from '../config/text';
import type { Figures, GroupBy, Report } from './report';

export type CellFormat = 'text' | 'count' | 'decimal' | 'rate';
export type Cell = string | number | null;

export interface Column {
  title: Bilingual;
  format: CellFormat;
}

export interface Section {
  id: 'summary' | 'groups' | 'topServices' | 'hourly' | 'daily' | 'ratingReasons';
  title: Bilingual;
  columns: Column[];
  rows: Cell[][];
}

export const GROUP_BY_LABELS: Record<GroupBy, Bilingual> = {
  hall: { zh: '大厅', en: 'Hall' },
  service: { zh: '业务', en: 'Service' },
  window: { zh: '窗口', en: 'Window' },
  staff: { zh: '工作人员', en: 'Staff' },
};

const col = (zh: string, en: string, format: CellFormat = 'count'): Column => ({ title: { zh, en }, format });

/** The figure columns, in order, with how to read each from a Figures. */
const FIGURES: Array<[Column, (f: Figures) => Cell]> = [
  [col('取号', 'Issued'), (f) => f.issued],
  [col('办结', 'Served'), (f) => f.served],
  [col('未办成', 'Not done'), (f) => f.notDone],
  [col('需补材料', 'Needs material'), (f) => f.needsMaterial],
  [col('过号', 'No-show'), (f) => f.noShow],
  [col('取消', 'Cancelled'), (f) => f.cancelled],
  [col('未完成', 'Unfinished'), (f) => f.unfinished],
  [col('转办', 'Transferred'), (f) => f.transferred],
  [col('取号机取号', 'Kiosk'), (f) => f.byChannel.kiosk],
  [col('身份证取号', 'ID card'), (f) => f.byChannel.idcard],
  [col('预约取号', 'Appointment'), (f) => f.byChannel.appointment],
  [col('帮办代办', 'Assisted'), (f) => f.byChannel.assisted],
  [col('绿色通道', 'Green channel'), (f) => f.byPriority.green],
  [col('预约优先', 'Appointment priority'), (f) => f.byPriority.appointment],
  [col('特殊群体优先', 'Special priority'), (f) => f.byPriority.special],
  [col('普通', 'Normal'), (f) => f.byPriority.normal],
  [col('已叫号', 'Called'), (f) => f.waited],
  [col('等候时间中位数(分钟)', 'Wait median (min)', 'decimal'), (f) => f.waitMedianMin],
  [col('等候时间90分位(分钟)', 'Wait p90 (min)', 'decimal'), (f) => f.waitP90Min],
  [col('已办理', 'Finished'), (f) => f.timed],
  [col('办理时间中位数(分钟)', 'Service median (min)', 'decimal'), (f) => f.serviceMedianMin],
  [col('办理时间90分位(分钟)', 'Service p90 (min)', 'decimal'), (f) => f.serviceP90Min],
  [col('评价数', 'Rated'), (f) => f.rated],
  [col('满意数', 'Satisfied'), (f) => f.satisfied],
  [col('差评数', 'Bad ratings'), (f) => f.bad],
  [col('满意率', 'Satisfaction rate', 'rate'), (f) => f.satisfactionRate],
  [col('非常不满意', 'Level 1'), (f) => f.levels['1']],
  [col('不满意', 'Level 2'), (f) => f.levels['2']],
  [col('基本满意', 'Level 3'), (f) => f.levels['3']],
  [col('满意', 'Level 4'), (f) => f.levels['4']],
  [col('非常满意', 'Level 5'), (f) => f.levels['5']],
];

const NOT_CALLED: Bilingual = { zh: '未叫号', en: 'Not called' };

export function reportSections(r: Report): Section[] {
  const by = GROUP_BY_LABELS[r.groupBy];
  const figures = (f: Figures) => FIGURES.map(([, read]) => read(f));
  return [
    {
      id: 'summary',
      title: { zh: '概况', en: 'Summary' },
      columns: [col('项目', 'Item', 'text'), col('值', 'Value', 'text')],
      rows: [
        ['大厅 Hall', hallText(r)],
        ['开始日期 From', r.from],
        ['结束日期 To', r.to],
        ['分组 Grouped by', `${by.zh} ${by.en}`],
        ['时区 Time zone', r.timeZone],
        ['天数 Days', r.days],
        ['有取号的天数 Open days', r.openDays],
      ],
    },
    {
      id: 'groups',
      title: { zh: `按${by.zh}统计`, en: `By ${by.en.toLowerCase()}` },
      columns: [col(`${by.zh}编号`, `${by.en} id`, 'text'), col('名称', 'Name', 'text'), col('英文名称', 'English name', 'text'), ...FIGURES.map(([c]) => c)],
      rows: [
        ...r.groups.map((g) => {
          const label = g.label ?? (g.key === null ? NOT_CALLED : null);
          return [g.key, label?.zh ?? null, label?.en ?? null, ...figures(g)];
        }),
        ['合计', '合计', 'Total', ...figures(r.totals)],
      ],
    },
    {
      id: 'topServices',
      title: { zh: '高频事项排行', en: 'Services by volume' },
      columns: [col('排名', 'Rank'), col('业务编号', 'Service id', 'text'), col('名称', 'Name', 'text'), col('英文名称', 'English name', 'text'), col('取号', 'Issued'), col('办结', 'Served')],
      rows: r.topServices.map((s) => [s.rank, s.serviceId, s.label?.zh ?? null, s.label?.en ?? null, s.issued, s.served]),
    },
    {
      id: 'hourly',
      title: { zh: '分时段取号', en: 'Hourly load' },
      columns: [col('时段', 'Hour', 'text'), col('取号', 'Issued'), col('日均取号', 'Average per open day', 'decimal')],
      rows: r.hourly.map((h) => [`${pad(h.hour)}:00-${pad(h.hour + 1)}:00`, h.issued, h.avgPerDay]),
    },
    {
      id: 'daily',
      title: { zh: '每日统计', en: 'Daily' },
      columns: [
        col('日期', 'Day', 'text'),
        col('取号', 'Issued'),
        col('办结', 'Served'),
        col('过号', 'No-show'),
        col('等候时间中位数(分钟)', 'Wait median (min)', 'decimal'),
        col('评价数', 'Rated'),
        col('满意率', 'Satisfaction rate', 'rate'),
      ],
      rows: r.daily.map((d) => [d.day, d.issued, d.served, d.noShow, d.waitMedianMin, d.rated, d.satisfactionRate]),
    },
    {
      id: 'ratingReasons',
      title: { zh: '评价原因', en: 'Rating reasons' },
      columns: [col('原因', 'Reason', 'text'), col('名称', 'Name', 'text'), col('英文名称', 'English name', 'text'), col('次数', 'Count')],
      rows: r.ratingReasons.map((x) => [x.reason, x.label?.zh ?? null, x.label?.en ?? null, x.count]),
    },
  ];
}

/** The hall by its name, Chinese then English ("政务服务中心 Government Service Center"); its id only when the report has no name. */
export function hallText(r: Pick<Report, 'hall' | 'hallName'>): string {
  if (!r.hallName) return r.hall;
  return r.hallName.zh === r.hallName.en ? r.hallName.zh : `${r.hallName.zh} ${r.hallName.en}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
