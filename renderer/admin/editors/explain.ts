/**
 * Bilingual explanations of validation errors: which field (by its label on the form) and what
 * is wrong with it, in words a hall administrator reads, not zod's.
 */
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';

type Path = ReadonlyArray<PropertyKey>;

const WEEKDAYS: Record<string, Bilingual> = {
  mon: { zh: '星期一', en: 'Monday' },
  tue: { zh: '星期二', en: 'Tuesday' },
  wed: { zh: '星期三', en: 'Wednesday' },
  thu: { zh: '星期四', en: 'Thursday' },
  fri: { zh: '星期五', en: 'Friday' },
  sat: { zh: '星期六', en: 'Saturday' },
  sun: { zh: '星期日', en: 'Sunday' },
};

/** Field labels by path with array indices left out ("services.serviceId"). */
export const FIELD_LABELS: Record<string, Bilingual> = {
  id: { zh: '编号', en: 'ID' },
  name: { zh: '名称', en: 'Name' },
  'name.zh': { zh: '中文名称', en: 'Chinese name' },
  'name.en': { zh: '英文名称', en: 'English name' },
  prefix: { zh: '号头字母', en: 'Number prefix' },
  category: { zh: '类别', en: 'Category' },
  'categoryName.zh': { zh: '类别中文名', en: 'Category name (Chinese)' },
  'categoryName.en': { zh: '类别英文名', en: 'Category name (English)' },
  kind: { zh: '类型', en: 'Kind' },
  realNameRequired: { zh: '须实名取号', en: 'ID card required' },
  perPersonDailyLimit: { zh: '每人每日限取', en: 'Per-person daily limit' },
  defaultServiceMinutes: { zh: '默认办理时长', en: 'Default service time' },
  'schedule.dailyQuota': { zh: '每日限额', en: 'Daily quota' },
  'schedule.cutoffMinutes': { zh: '截止取号时间', en: 'Cut-off' },
  guide: { zh: '办事指南', en: 'Service guide' },
  'guide.url': { zh: '办事指南链接', en: 'Guide link' },
  'guide.materials': { zh: '所需材料', en: 'Material' },
  'guide.materials.zh': { zh: '材料中文名称', en: 'Material name (Chinese)' },
  'guide.materials.en': { zh: '材料英文名称', en: 'Material name (English)' },
  'guide.materials.copies': { zh: '材料份数', en: 'Material copies' },
  'guide.materials.form': { zh: '原件 / 复印件', en: 'Original / copy' },
  'guide.materials.note.zh': { zh: '材料备注（中文）', en: 'Material note (Chinese)' },
  'guide.materials.note.en': { zh: '材料备注（英文）', en: 'Material note (English)' },
  'guide.basis.zh': { zh: '办理依据（中文）', en: 'Legal basis (Chinese)' },
  'guide.basis.en': { zh: '办理依据（英文）', en: 'Legal basis (English)' },
  'guide.timeLimit.zh': { zh: '办理时限（中文）', en: 'Time limit (Chinese)' },
  'guide.timeLimit.en': { zh: '办理时限（英文）', en: 'Time limit (English)' },
  'guide.fee.zh': { zh: '收费标准（中文）', en: 'Fee (Chinese)' },
  'guide.fee.en': { zh: '收费标准（英文）', en: 'Fee (English)' },
  'guide.place.zh': { zh: '办理地点（中文）', en: 'Place (Chinese)' },
  'guide.place.en': { zh: '办理地点（英文）', en: 'Place (English)' },
  label: { zh: '窗口号', en: 'Window number' },
  services: { zh: '办理业务', en: 'Services' },
  'services.serviceId': { zh: '办理业务', en: 'Service' },
  'services.weight': { zh: '业务权重', en: 'Service weight' },
  mode: { zh: '叫号方式', en: 'Calling order' },
  priorityServices: { zh: '优先业务', en: 'Priority services' },
  post: { zh: '岗位', en: 'Post' },
  duties: { zh: '职责', en: 'Duties' },
  commitment: { zh: '服务承诺', en: 'Service commitment' },
  'en.post': { zh: '岗位（英文）', en: 'Post (English)' },
  'en.duties': { zh: '职责（英文）', en: 'Duties (English)' },
  'en.commitment': { zh: '服务承诺（英文）', en: 'Service commitment (English)' },
  photo: { zh: '照片', en: 'Photo' },
  pin: { zh: 'PIN', en: 'PIN' },
  timeZone: { zh: '时区', en: 'Time zone' },
  cutoffMinutes: { zh: '截止取号时间', en: 'Cut-off' },
  holidays: { zh: '节假日', en: 'Holidays' },
  adjustedWorkdays: { zh: '调休工作日', en: 'Adjusted workdays' },
  'adjustedWorkdays.date': { zh: '调休工作日日期', en: 'Adjusted workday date' },
  'adjustedWorkdays.as': { zh: '调休按星期几上班', en: 'Adjusted workday timetable' },
  'hallName.zh': { zh: '大厅中文名称', en: 'Hall name (Chinese)' },
  'hallName.en': { zh: '大厅英文名称', en: 'Hall name (English)' },
  hotline: { zh: '监督电话', en: 'Supervision hotline' },
  longWaitMinutes: { zh: '等候超时提醒', en: 'Long-wait alert' },
  longPauseMinutes: { zh: '暂停超时提醒', en: 'Long-pause alert' },
  materialsRetentionDays: { zh: '收件图像保留天数', en: 'Captured image retention' },
  idCopiesServerRetentionDays: { zh: '身份证复印件服务器保留天数', en: 'ID card copy retention on the server' },
  materialsServerRetentionDays: { zh: '收件材料服务器保留天数', en: 'Material retention on the server' },
  alertWaitMinutes: { zh: '等候提醒阈值', en: 'Wait alert threshold' },
  elderlyAge: { zh: '老年人优先年龄', en: 'Elderly priority age' },
  bookingPhone: { zh: '预约电话', en: 'Booking phone' },
  bookingWeb: { zh: '网上预约地址', en: 'Booking web address' },
  noShowGraceSeconds: { zh: '叫号后多久才可过号', en: 'No-show wait after the call' },
  noShowGracePrioritySeconds: { zh: '优先群体过号等候', en: 'No-show wait for priority groups' },
  skipGraceMinutes: { zh: '过号回补时限', en: 'No-show grace period' },
  maxRequeues: { zh: '最多回补次数', en: 'Most requeues' },
  appointmentEarlyMinutes: { zh: '预约提前到达', en: 'Appointment early window' },
  appointmentLateMinutes: { zh: '预约迟到宽限', en: 'Appointment late window' },
  numberDigits: { zh: '号码位数', en: 'Number digits' },
  kioskIdleSeconds: { zh: '取号机返回首页时间', en: 'Kiosk idle time' },
  ratingTimeoutSeconds: { zh: '评价等待时间', en: 'Rating timeout' },
  'text.zh': { zh: '公告中文内容', en: 'Notice text (Chinese)' },
  'text.en': { zh: '公告英文内容', en: 'Notice text (English)' },
  from: { zh: '开始时间', en: 'From' },
  to: { zh: '结束时间', en: 'To' },
  noticeId: { zh: '公告编号', en: 'Notice ID' },
};

export function fieldLabel(path: Path): Bilingual {
  // A service's own timetable reads like the hall's ("schedule.weekly.mon.0.from").
  const all = path.map(String);
  const keys = all[0] === 'schedule' && all[1] === 'weekly' ? all.slice(1) : all;
  // The weekly timetable: "星期一 第 2 段 开始时间".
  const day = keys[0] === 'weekly' && keys[1] !== undefined ? WEEKDAYS[keys[1]] : undefined;
  if (day) {
    const n = keys[2] !== undefined && /^\d+$/.test(keys[2]) ? Number(keys[2]) + 1 : undefined;
    const part = keys[3] === 'from' ? { zh: '开始时间', en: 'start' } : keys[3] === 'to' ? { zh: '结束时间', en: 'end' } : keys[3] === 'mode' ? { zh: '类型', en: 'type' } : { zh: '', en: '' };
    return n === undefined ? day : { zh: `${day.zh} 第 ${n} 段${part.zh ? ` ${part.zh}` : ''}`, en: `${day.en}, period ${n}${part.en ? ` ${part.en}` : ''}` };
  }
  const named = keys.filter((k) => !/^\d+$/.test(k));
  const index = keys.find((k) => /^\d+$/.test(k));
  for (let i = named.length; i > 0; i--) {
    const label = FIELD_LABELS[named.slice(0, i).join('.')];
    if (label) return index !== undefined && i === named.length ? { zh: `${label.zh}（第 ${Number(index) + 1} 项）`, en: `${label.en} (item ${Number(index) + 1})` } : label;
  }
  const raw = keys.join('.');
  return { zh: raw || '内容', en: raw || 'value' };
}

/** What is wrong, for the issue codes the configuration schemas produce. */
export function issueText(i: z.core.$ZodIssue): Bilingual {
  switch (i.code) {
    case 'invalid_type':
      if (/received (undefined|null)/.test(i.message)) return { zh: '必须填写', en: 'is required' };
      if (i.expected === 'number') return { zh: '应为数字', en: 'must be a number' };
      return { zh: `格式不对（应为 ${i.expected}）`, en: `must be ${i.expected}` };
    case 'too_small': {
      const min = Number(i.minimum);
      if (i.origin === 'string') return min <= 1 ? { zh: '不能为空', en: 'must not be empty' } : { zh: `至少 ${min} 个字符`, en: `must have at least ${min} characters` };
      if (i.origin === 'array') return { zh: `至少选 ${min} 项`, en: `needs at least ${min}` };
      return i.inclusive === false ? { zh: `必须大于 ${min}`, en: `must be more than ${min}` } : { zh: `不能小于 ${min}`, en: `must be at least ${min}` };
    }
    case 'too_big': {
      const max = Number(i.maximum);
      if (i.origin === 'string') return { zh: `最多 ${max} 个字符`, en: `must have at most ${max} characters` };
      if (i.origin === 'array') return { zh: `最多 ${max} 项`, en: `at most ${max} items` };
      return { zh: `不能大于 ${max}`, en: `must be at most ${max}` };
    }
    case 'invalid_format':
      return { zh: `格式不对：${formatHint(i.message)}`, en: i.message };
    case 'invalid_value':
      return { zh: `只能是 ${i.values.map(String).join(' / ')}`, en: `must be one of ${i.values.map(String).join(', ')}` };
    case 'unrecognized_keys':
      return { zh: `有不认识的字段：${i.keys.join('、')}`, en: `unknown fields: ${i.keys.join(', ')}` };
    case 'not_multiple_of':
      return { zh: '应为整数', en: 'must be a whole number' };
    default:
      return { zh: customZh(i.message), en: customEn(i.message) };
  }
}

/** The schedule's and ids' own messages, in Chinese. */
function customZh(m: string): string {
  if (/must start before it ends/.test(m)) return '开始时间必须早于结束时间';
  if (/overlap/.test(m)) return '时段重叠';
  if (/must be sorted by time/.test(m)) return '时段须按时间先后排列';
  if (/is not a time/.test(m)) return '时间应为 HH:MM（00:00 至 24:00）';
  if (/is not a calendar date/.test(m)) return '日期应为 YYYY-MM-DD 格式的真实日期';
  if (/both as a holiday and as an adjusted workday/.test(m)) return '同一天不能既是节假日又是调休工作日';
  if (/listed twice as an adjusted workday/.test(m)) return '调休工作日重复';
  if (/unknown time zone/.test(m)) return '未知时区（例如 Asia/Shanghai）';
  if (/Invalid input/i.test(m)) return '内容不正确';
  return `内容不正确（${m}）`;
}

/** The schedule's messages without the weekday key the field already shows ("mon: "). */
function customEn(m: string): string {
  return m.replace(/^(sun|mon|tue|wed|thu|fri|sat): /, '');
}

function formatHint(m: string): string {
  if (/capital letter/.test(m)) return '应为一个大写字母 A-Z';
  if (/^ids are/.test(m)) return '编号只能用字母、数字、“-”或“_”，最多 40 个字符';
  if (/url/i.test(m)) return '应为网址';
  if (/lowercase/.test(m)) return '只能用小写字母、数字和“-”';
  if (/^digits, spaces/.test(m)) return '只能用数字、空格和 + - ( )';
  return m;
}

/** "未保存：号头字母 应为一个大写字母 A-Z" — every problem, field by field. */
export function explainError(error: z.ZodError, prefix: Path = []): Bilingual {
  const parts = error.issues.map((i) => {
    const path = [...prefix, ...i.path];
    const label = fieldLabel(path);
    const what = issueText(i);
    return { zh: `${label.zh} ${what.zh}`, en: `${label.en} ${what.en}` };
  });
  return { zh: `未保存：${parts.map((p) => p.zh).join('；')}`, en: `Not saved: ${parts.map((p) => p.en).join('; ')}` };
}

/** Each problem at its field: the key is the value's path joined with "." ("guide.materials.0.zh"). */
export type FieldErrors = Readonly<Record<string, Bilingual>>;

/** What is wrong, field by field, to show next to each field (zh and en). */
export function fieldErrors(error: z.ZodError, prefix: Path = []): FieldErrors {
  const out: Record<string, Bilingual> = {};
  for (const i of error.issues) {
    const key = [...prefix, ...i.path].map(String).join('.');
    const what = issueText(i);
    const had = out[key];
    out[key] = had ? { zh: `${had.zh}；${what.zh}`, en: `${had.en}; ${what.en}` } : what;
  }
  return out;
}

/** The problems at `key` and below it (a period's row shows its own and its times'). */
export function errorsUnder(errors: FieldErrors, key: string, exact = false): Bilingual | undefined {
  const found = Object.entries(errors).filter(([k]) => k === key || (!exact && k.startsWith(`${key}.`)));
  if (found.length === 0) return undefined;
  return { zh: found.map(([, v]) => v.zh).join('；'), en: found.map(([, v]) => v.en).join('; ') };
}
