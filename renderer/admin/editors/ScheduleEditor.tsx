/**
 * The hall's timetable (R5): opening periods for each weekday (open or appointment-only; a day
 * without periods is closed), holidays, adjusted workdays (调休) and the walk-in cut-off, as a
 * form (issue 17: no JSON to type). Every field is checked with the schema the server uses
 * (ScheduleConfigSchema) and what is wrong shows next to it in Chinese and English; JSON is only
 * an export / import of the whole timetable.
 */
import { useState } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { ScheduleConfigSchema, defaultWeekly, type ScheduleConfig, type WorkdayKey } from '../../../shared/schedule/config';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { saveConfig } from './changes';
import { errorsUnder, explainError, fieldErrors, type FieldErrors } from './explain';
import { Button, Field, FieldError, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';
import { JsonTransfer } from './JsonTransfer';
import { DAYS, WeeklyFields, cloneWeekly, type WeeklyDraft } from './WeeklyFields';

const WORKDAYS = DAYS.filter((d) => d.key !== 'sat' && d.key !== 'sun') as Array<{ key: WorkdayKey; label: Bilingual }>;

interface Draft {
  timeZone: string;
  cutoffMinutes: string;
  weekly: WeeklyDraft;
  holidays: string[];
  adjustedWorkdays: Array<{ date: string; as: WorkdayKey }>;
}

const toDraft = (s: ScheduleConfig): Draft => ({
  timeZone: s.timeZone,
  cutoffMinutes: String(s.cutoffMinutes),
  weekly: cloneWeekly(s.weekly),
  holidays: [...s.holidays],
  adjustedWorkdays: s.adjustedWorkdays.map((a) => ({ ...a })),
});

/** The value the form saves. */
export function scheduleValue(d: Draft): Record<string, unknown> {
  // A blank cut-off is a question for the manager, not the schema's default of 30.
  return { timeZone: d.timeZone.trim(), cutoffMinutes: d.cutoffMinutes.trim() === '' ? null : numberOrText(d.cutoffMinutes), weekly: d.weekly, holidays: [...d.holidays].sort(), adjustedWorkdays: d.adjustedWorkdays };
}

export function ScheduleEditor() {
  const { terminal } = useTerminal();
  const { state } = useHall();
  const [d, setD] = useState<Draft>(() => toDraft(state.config.schedule));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [newHoliday, setNewHoliday] = useState('');
  const [newAdjusted, setNewAdjusted] = useState<{ date: string; as: WorkdayKey }>({ date: '', as: 'mon' });

  const store = async (value: unknown, saved: Bilingual) => {
    const checked = ScheduleConfigSchema.safeParse(value);
    if (!checked.success) {
      setErrors(fieldErrors(checked.error));
      setOutcome({ ok: false, message: explainError(checked.error) });
      return false;
    }
    setErrors({});
    const r = await saveConfig(terminal.local, 'schedule', 'hall', value);
    setOutcome(r.ok ? { ok: true, message: saved } : r);
    return r.ok;
  };
  const save = () => store(scheduleValue(d), SAVED);

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
          <JsonTransfer
            name="schedule"
            fileName="hallq-schedule.json"
            schema={ScheduleConfigSchema}
            value={() => state.config.schedule}
            onError={(message) => setOutcome({ ok: false, message })}
            onImport={async (v) => {
              setD(toDraft(v));
              await store(v, { zh: '已导入并保存，正在同步到各终端。', en: 'Imported and saved; syncing to every terminal.' });
            }}
          />
        </div>
      </header>
      <div className="form">
        <div className="form-grid">
          <Field label={{ zh: '时区', en: 'Time zone' }} error={errors.timeZone} at="timeZone">
            <TextInput name="timeZone" value={d.timeZone} onChange={(v) => setD((x) => ({ ...x, timeZone: v }))} />
          </Field>
          <Field label={{ zh: '截止取号：下班前（分钟）', en: 'Walk-in cut-off before closing (min)' }} hint={{ zh: '当天最后一个正常取号时段结束前多少分钟停止现场取号（0–1440）', en: 'Walk-in tickets stop this many minutes before the last open period ends (0–1440)' }} error={errors.cutoffMinutes} at="cutoffMinutes">
            <NumberInput name="cutoffMinutes" value={d.cutoffMinutes} onChange={(v) => setD((x) => ({ ...x, cutoffMinutes: v }))} />
          </Field>
        </div>

        <h3>
          <Bi t={{ zh: '每周时段（24 小时制，24:00 为当天结束）', en: 'Weekly periods (24-hour clock; 24:00 is the end of the day)' }} />
        </h3>
        <WeeklyFields weekly={d.weekly} onChange={(f) => setD((x) => ({ ...x, weekly: f(x.weekly) }))} errors={errors} errorPrefix="weekly" />

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
            <FieldError error={errorsUnder(errors, 'holidays')} at="holidays" />
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
            <FieldError error={errorsUnder(errors, 'adjustedWorkdays')} at="adjustedWorkdays" />
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
