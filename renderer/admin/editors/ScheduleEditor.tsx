/**
 * The hall's timetable (R5): opening periods for each weekday (open or appointment-only),
 * holidays, adjusted workdays (调休) and the cut-off, edited without typing JSON.
 */
import { useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { defaultWeekly, type ScheduleConfig, type WeekdayKey, type WorkdayKey } from '../../../shared/schedule/config';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { saveConfig } from './changes';
import { Button, Field, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';

const DAYS: Array<{ key: WeekdayKey; label: Bilingual }> = [
  { key: 'mon', label: { zh: '星期一', en: 'Monday' } },
  { key: 'tue', label: { zh: '星期二', en: 'Tuesday' } },
  { key: 'wed', label: { zh: '星期三', en: 'Wednesday' } },
  { key: 'thu', label: { zh: '星期四', en: 'Thursday' } },
  { key: 'fri', label: { zh: '星期五', en: 'Friday' } },
  { key: 'sat', label: { zh: '星期六', en: 'Saturday' } },
  { key: 'sun', label: { zh: '星期日', en: 'Sunday' } },
];
const WORKDAYS = DAYS.filter((d) => d.key !== 'sat' && d.key !== 'sun') as Array<{ key: WorkdayKey; label: Bilingual }>;
const MODES = [
  { value: 'open' as const, label: { zh: '正常取号', en: 'Open' } },
  { value: 'appointment' as const, label: { zh: '仅限预约', en: 'Appointments only' } },
];

type Period = { from: string; to: string; mode: 'open' | 'appointment' };

interface Draft {
  timeZone: string;
  cutoffMinutes: string;
  weekly: Record<WeekdayKey, Period[]>;
  holidays: string[];
  adjustedWorkdays: Array<{ date: string; as: WorkdayKey }>;
}

const toDraft = (s: ScheduleConfig): Draft => ({
  timeZone: s.timeZone,
  cutoffMinutes: String(s.cutoffMinutes),
  weekly: structuredClone(s.weekly),
  holidays: [...s.holidays],
  adjustedWorkdays: s.adjustedWorkdays.map((a) => ({ ...a })),
});

export function ScheduleEditor() {
  const { terminal } = useTerminal();
  const { state } = useHall();
  const [d, setD] = useState<Draft>(() => toDraft(state.config.schedule));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [newHoliday, setNewHoliday] = useState('');
  const [newAdjusted, setNewAdjusted] = useState<{ date: string; as: WorkdayKey }>({ date: '', as: 'mon' });

  const setPeriods = (day: WeekdayKey, f: (p: Period[]) => Period[]) => setD((x) => ({ ...x, weekly: { ...x.weekly, [day]: f(x.weekly[day]) } }));
  const save = async () => {
    const value = { timeZone: d.timeZone.trim(), cutoffMinutes: numberOrText(d.cutoffMinutes), weekly: d.weekly, holidays: [...d.holidays].sort(), adjustedWorkdays: d.adjustedWorkdays };
    const r = await saveConfig(terminal.local, 'schedule', 'hall', value);
    setOutcome(r.ok ? { ok: true, message: SAVED } : r);
  };

  return (
    <section className="editor" data-testid="schedule">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '作息时间', en: 'Opening hours' }} />
        </h2>
        <div className="editor-head-actions">
          <Button name="reset" onClick={() => setD((x) => ({ ...x, weekly: defaultWeekly() }))}>
            <Bi t={{ zh: '恢复规定作息（R5）', en: 'Regulation timetable (R5)' }} />
          </Button>
          <Button name="revert" onClick={() => setD(toDraft(state.config.schedule))}>
            <Bi t={{ zh: '放弃修改', en: 'Discard changes' }} />
          </Button>
        </div>
      </header>
      <div className="form">
        <div className="form-grid">
          <Field label={{ zh: '时区', en: 'Time zone' }}>
            <TextInput name="timeZone" value={d.timeZone} onChange={(v) => setD((x) => ({ ...x, timeZone: v }))} />
          </Field>
          <Field label={{ zh: '截止取号：下班前（分钟）', en: 'Walk-in cut-off before closing (min)' }}>
            <NumberInput name="cutoffMinutes" value={d.cutoffMinutes} onChange={(v) => setD((x) => ({ ...x, cutoffMinutes: v }))} />
          </Field>
        </div>

        <h3>
          <Bi t={{ zh: '每周时段（24 小时制，24:00 为当天结束）', en: 'Weekly periods (24-hour clock; 24:00 is the end of the day)' }} />
        </h3>
        <table className="table week">
          <tbody>
            {DAYS.map((day) => (
              <tr key={day.key} data-day={day.key}>
                <th>
                  <Bi t={day.label} />
                </th>
                <td>
                  {d.weekly[day.key].length === 0 ? (
                    <span className="muted">
                      <Bi t={{ zh: '休息', en: 'Closed' }} only />
                    </span>
                  ) : null}
                  {d.weekly[day.key].map((p, i) => (
                    <span className={`period period-${p.mode}`} key={i} data-period={i}>
                      {/* Plain HH:MM text: a time picker cannot say 24:00 (midnight at the end of the day). */}
                      <input className="input input-time" inputMode="numeric" placeholder="HH:MM" name={`${day.key}-${i}-from`} value={p.from} onChange={(e) => setPeriods(day.key, (ps) => ps.map((q, j) => (j === i ? { ...q, from: e.target.value.trim() } : q)))} />
                      –
                      <input className="input input-time" inputMode="numeric" placeholder="HH:MM" name={`${day.key}-${i}-to`} value={p.to} onChange={(e) => setPeriods(day.key, (ps) => ps.map((q, j) => (j === i ? { ...q, to: e.target.value.trim() } : q)))} />
                      <Select name={`${day.key}-${i}-mode`} value={p.mode} onChange={(m) => setPeriods(day.key, (ps) => ps.map((q, j) => (j === i ? { ...q, mode: m } : q)))} options={MODES} />
                      <Button name="remove-period" kind="danger" onClick={() => setPeriods(day.key, (ps) => ps.filter((_, j) => j !== i))}>
                        ×
                      </Button>
                    </span>
                  ))}
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <div className="two-col">
          <div>
            <h3>
              <Bi t={{ zh: '节假日（全天休息）', en: 'Holidays (closed all day)' }} />
            </h3>
            <div className="chips">
              {d.holidays.length === 0 ? (
                <span className="muted">
                  <Bi t={{ zh: '无', en: 'None' }} only />
                </span>
              ) : null}
              {[...d.holidays].sort().map((h) => (
                <span className="chip" key={h} data-holiday={h}>
                  {h}
                  <button type="button" className="chip-x" aria-label={`remove ${h}`} onClick={() => setD((x) => ({ ...x, holidays: x.holidays.filter((y) => y !== h) }))}>
                    ×
                  </button>
                </span>
              ))}
            </div>
            <div className="add-row">
              <input className="input" type="date" name="newHoliday" value={newHoliday} onChange={(e) => setNewHoliday(e.target.value)} />
              <Button
                name="add-holiday"
                onClick={() => {
                  if (newHoliday && !d.holidays.includes(newHoliday)) setD((x) => ({ ...x, holidays: [...x.holidays, newHoliday] }));
                  setNewHoliday('');
                }}
              >
                <Bi t={{ zh: '添加', en: 'Add' }} only />
              </Button>
            </div>
          </div>
          <div>
            <h3>
              <Bi t={{ zh: '调休工作日', en: 'Adjusted workdays (调休)' }} />
            </h3>
            <div className="chips">
              {d.adjustedWorkdays.length === 0 ? (
                <span className="muted">
                  <Bi t={{ zh: '无', en: 'None' }} only />
                </span>
              ) : null}
              {d.adjustedWorkdays.map((a, i) => (
                <span className="chip" key={`${a.date}-${i}`} data-adjusted={a.date}>
                  {a.date} · <Bi t={{ zh: `按${DAYS.find((x) => x.key === a.as)!.label.zh}`, en: `as ${DAYS.find((x) => x.key === a.as)!.label.en}` }} only />
                  <button type="button" className="chip-x" aria-label={`remove ${a.date}`} onClick={() => setD((x) => ({ ...x, adjustedWorkdays: x.adjustedWorkdays.filter((_, j) => j !== i) }))}>
                    ×
                  </button>
                </span>
              ))}
            </div>
            <div className="add-row">
              <input className="input" type="date" name="newAdjusted" value={newAdjusted.date} onChange={(e) => setNewAdjusted((x) => ({ ...x, date: e.target.value }))} />
              <Select name="newAdjustedAs" value={newAdjusted.as} onChange={(as) => setNewAdjusted((x) => ({ ...x, as }))} options={WORKDAYS.map((w) => ({ value: w.key, label: w.label }))} />
              <Button
                name="add-adjusted"
                onClick={() => {
                  if (newAdjusted.date) setD((x) => ({ ...x, adjustedWorkdays: [...x.adjustedWorkdays, newAdjusted] }));
                  setNewAdjusted({ date: '', as: 'mon' });
                }}
              >
                <Bi t={{ zh: '添加', en: 'Add' }} only />
              </Button>
            </div>
          </div>
        </div>
        <OutcomeNote outcome={outcome} />
        <div className="form-actions">
          <Button kind="primary" name="save" onClick={() => void save()}>
            <Bi t={{ zh: '保存作息时间', en: 'Save opening hours' }} />
          </Button>
        </div>
      </div>
    </section>
  );
}
