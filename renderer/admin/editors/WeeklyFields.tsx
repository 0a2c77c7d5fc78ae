/**
 * A weekly timetable as a form (R5): for each weekday its periods, each with a start and an end
 * (HH:MM, 24-hour; 24:00 ends the day) and a mode (open / appointments only); a day without
 * periods is closed. Used for the hall's timetable and a service's own. Errors from the
 * schedule schema show next to the period they are about, in Chinese and English.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { WeekdayKey } from '../../../shared/schedule/config';
import { Bi } from '../../i18n/Bi';
import { errorsUnder, type FieldErrors } from './explain';
import { Button, FieldError, Select } from './Form';

export const DAYS: Array<{ key: WeekdayKey; label: Bilingual }> = [
  { key: 'mon', label: { zh: '星期一', en: 'Monday' } },
  { key: 'tue', label: { zh: '星期二', en: 'Tuesday' } },
  { key: 'wed', label: { zh: '星期三', en: 'Wednesday' } },
  { key: 'thu', label: { zh: '星期四', en: 'Thursday' } },
  { key: 'fri', label: { zh: '星期五', en: 'Friday' } },
  { key: 'sat', label: { zh: '星期六', en: 'Saturday' } },
  { key: 'sun', label: { zh: '星期日', en: 'Sunday' } },
];

const MODES = [
  { value: 'open' as const, label: { zh: '正常取号', en: 'Open' } },
  { value: 'appointment' as const, label: { zh: '仅限预约', en: 'Appointments only' } },
];

export type PeriodDraft = { from: string; to: string; mode: 'open' | 'appointment' };
export type WeeklyDraft = Record<WeekdayKey, PeriodDraft[]>;

export function cloneWeekly(w: Readonly<Record<WeekdayKey, ReadonlyArray<PeriodDraft>>>): WeeklyDraft {
  return Object.fromEntries(DAYS.map((d) => [d.key, (w[d.key] ?? []).map((p) => ({ from: p.from, to: p.to, mode: p.mode }))])) as WeeklyDraft;
}

export function WeeklyFields({
  weekly,
  onChange,
  errors,
  errorPrefix,
  namePrefix = '',
}: {
  weekly: WeeklyDraft;
  onChange: (f: (w: WeeklyDraft) => WeeklyDraft) => void;
  errors: FieldErrors;
  /** Where the timetable sits in the saved value ("weekly", "schedule.weekly"). */
  errorPrefix: string;
  /** Input names: `${namePrefix}mon-0-from`. */
  namePrefix?: string;
}) {
  const setPeriods = (day: WeekdayKey, f: (p: PeriodDraft[]) => PeriodDraft[]) => onChange((w) => ({ ...w, [day]: f(w[day]) }));
  const setPeriod = (day: WeekdayKey, i: number, patch: Partial<PeriodDraft>) => setPeriods(day, (ps) => ps.map((q, j) => (j === i ? { ...q, ...patch } : q)));
  return (
    <table className="table week">
      <tbody>
        {DAYS.map((day) => {
          const periods = weekly[day.key];
          return (
            <tr key={day.key} data-day={day.key}>
              <th>
                <Bi t={day.label} />
              </th>
              <td>
                {periods.length === 0 ? (
                  <span className="muted day-closed">
                    <Bi t={{ zh: '休息（不取号）', en: 'Closed (no tickets)' }} only />
                  </span>
                ) : null}
                {periods.map((p, i) => {
                  const at = `${errorPrefix}.${day.key}.${i}`;
                  const error = errorsUnder(errors, at);
                  return (
                    <span className={`period period-${p.mode}${error ? ' period-invalid' : ''}`} key={i} data-period={i}>
                      <span className="period-times">
                        {/* Plain HH:MM text: a time picker cannot say 24:00 (midnight at the end of the day). */}
                        <input className="input input-time" inputMode="numeric" placeholder="HH:MM" aria-label={`${day.label.zh} ${day.label.en} ${i + 1} 开始 start`} aria-invalid={error ? true : undefined} name={`${namePrefix}${day.key}-${i}-from`} value={p.from} onChange={(e) => setPeriod(day.key, i, { from: e.target.value.trim() })} />
                        –
                        <input className="input input-time" inputMode="numeric" placeholder="HH:MM" aria-label={`${day.label.zh} ${day.label.en} ${i + 1} 结束 end`} aria-invalid={error ? true : undefined} name={`${namePrefix}${day.key}-${i}-to`} value={p.to} onChange={(e) => setPeriod(day.key, i, { to: e.target.value.trim() })} />
                        <Select name={`${namePrefix}${day.key}-${i}-mode`} value={p.mode} onChange={(m) => setPeriod(day.key, i, { mode: m })} options={MODES} />
                        <Button name="remove-period" kind="danger" onClick={() => setPeriods(day.key, (ps) => ps.filter((_, j) => j !== i))}>
                          ×
                        </Button>
                      </span>
                      <FieldError error={error} at={at} />
                    </span>
                  );
                })}
                <FieldError error={errorsUnder(errors, `${errorPrefix}.${day.key}`, true)} at={`${errorPrefix}.${day.key}`} />
                <Button
                  name={`add-period-${day.key}`}
                  onClick={() =>
                    setPeriods(day.key, (ps) => {
                      const last = ps[ps.length - 1];
                      const from = last ? last.to : '09:00';
                      return [...ps, { from, to: from < '17:00' ? '17:00' : '24:00', mode: 'open' }];
                    })
                  }
                >
                  <Bi t={{ zh: '+ 时段', en: '+ Period' }} only />
                </Button>
                {periods.length > 0 ? (
                  <Button name={`close-day-${day.key}`} onClick={() => setPeriods(day.key, () => [])}>
                    <Bi t={{ zh: '设为休息', en: 'Closed all day' }} only />
                  </Button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
