/**
 * Services: name, number prefix, category, real-name rule, limits, the service guide (materials,
 * basis, time limit, fee, place; windows derived), its own timetable and cut-off: all as forms
 * (issue 17), checked with the schema the server uses (ServiceSchema), each problem next to its
 * field in Chinese and English. JSON only as an export / import of the whole service.
 */
import { useMemo, useState } from 'react';
import { windowsServing } from '../../../shared/config/guide';
import { ServiceSchema, type Service } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { defaultWeekly } from '../../../shared/schedule/config';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { removeConfig, saveConfig } from './changes';
import { errorsUnder, explainError, fieldErrors, type FieldErrors } from './explain';
import { Button, Check, Field, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';
import { GuideFields, buildGuide, toGuideDraft, type GuideDraft } from './GuideFields';
import { JsonTransfer } from './JsonTransfer';
import { ListEditor } from './ListEditor';
import { WeeklyFields, cloneWeekly, type WeeklyDraft } from './WeeklyFields';

interface Draft {
  id: string;
  prefix: string;
  nameZh: string;
  nameEn: string;
  category: string;
  categoryZh: string;
  categoryEn: string;
  kind: 'normal' | 'cant-get-done';
  realNameRequired: boolean;
  perPersonDailyLimit: string;
  defaultServiceMinutes: string;
  alertWaitMinutes: string;
  appointmentOnly: boolean;
  dailyQuota: string;
  guide: GuideDraft;
  /** The service keeps a timetable of its own (else the hall's). */
  ownWeekly: boolean;
  weekly: WeeklyDraft;
  /** Blank: the hall's cut-off. */
  cutoffMinutes: string;
}

function toDraft(s: Service | undefined): Draft {
  return {
    id: s?.id ?? '',
    prefix: s?.prefix ?? '',
    nameZh: s?.name.zh ?? '',
    nameEn: s?.name.en ?? '',
    category: s?.category ?? 'general',
    categoryZh: s?.categoryName?.zh ?? '',
    categoryEn: s?.categoryName?.en ?? '',
    kind: s?.kind ?? 'normal',
    realNameRequired: s?.realNameRequired ?? false,
    perPersonDailyLimit: s?.perPersonDailyLimit?.toString() ?? '',
    defaultServiceMinutes: (s?.defaultServiceMinutes ?? 8).toString(),
    alertWaitMinutes: s?.alertWaitMinutes?.toString() ?? '',
    appointmentOnly: s?.schedule?.appointmentOnly ?? false,
    dailyQuota: s?.schedule?.dailyQuota?.toString() ?? '',
    guide: toGuideDraft(s?.guide),
    ownWeekly: s?.schedule?.weekly !== undefined,
    weekly: cloneWeekly(s?.schedule?.weekly ?? defaultWeekly()),
    cutoffMinutes: s?.schedule?.cutoffMinutes?.toString() ?? '',
  };
}

/** The value the form saves (the schema says what is wrong with it). */
export function buildService(d: Draft): Record<string, unknown> {
  const schedule: Record<string, unknown> = {};
  if (d.ownWeekly) schedule.weekly = d.weekly;
  const cutoff = numberOrText(d.cutoffMinutes);
  if (cutoff !== undefined) schedule.cutoffMinutes = cutoff;
  if (d.appointmentOnly) schedule.appointmentOnly = true;
  const quota = numberOrText(d.dailyQuota);
  if (quota !== undefined) schedule.dailyQuota = quota;
  const limit = numberOrText(d.perPersonDailyLimit);
  const minutes = numberOrText(d.defaultServiceMinutes);
  const alertWait = numberOrText(d.alertWaitMinutes);
  const value: Record<string, unknown> = {
    id: d.id.trim(),
    prefix: d.prefix.trim(),
    name: { zh: d.nameZh.trim(), en: d.nameEn.trim() },
    category: d.category.trim(),
    kind: d.kind,
    realNameRequired: d.realNameRequired,
  };
  if (d.categoryZh.trim() || d.categoryEn.trim()) value.categoryName = { zh: d.categoryZh.trim(), en: d.categoryEn.trim() };
  if (limit !== undefined) value.perPersonDailyLimit = limit;
  if (minutes !== undefined) value.defaultServiceMinutes = minutes;
  if (alertWait !== undefined) value.alertWaitMinutes = alertWait;
  if (Object.keys(schedule).length) value.schedule = schedule;
  const guide = buildGuide(d.guide);
  if (guide !== undefined) value.guide = guide;
  return value;
}

const IMPORTED: Bilingual = { zh: '已导入并保存，正在同步到各终端。', en: 'Imported and saved; syncing to every terminal.' };

function ServiceForm({ service, done }: { service: Service | undefined; done: (m: Bilingual) => void }) {
  const { terminal } = useTerminal();
  const { state } = useHall();
  const [d, setD] = useState<Draft>(() => toDraft(service));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const err = (k: string) => errorsUnder(errors, k);
  const store = async (value: Record<string, unknown>, saved: Bilingual) => {
    const checked = ServiceSchema.safeParse(value);
    if (!checked.success) {
      setErrors(fieldErrors(checked.error));
      return setOutcome({ ok: false, message: explainError(checked.error) });
    }
    setErrors({});
    const r = await saveConfig(terminal.local, 'service', String(value.id), value);
    if (r.ok) done(saved);
    else setOutcome(r);
  };
  const save = () => store(buildService(d), SAVED);
  return (
    <div className="form">
      <div className="form-grid">
        <Field label={{ zh: '编号', en: 'ID' }} hint={{ zh: '字母、数字、-、_', en: 'letters, digits, - or _' }} error={err('id')} at="id">
          <TextInput name="id" value={d.id} onChange={set('id')} readOnly={service !== undefined} />
        </Field>
        <Field label={{ zh: '号头字母', en: 'Number prefix' }} hint={{ zh: '一个大写字母，如 A', en: 'one capital letter, e.g. A' }} error={err('prefix')} at="prefix">
          <TextInput name="prefix" value={d.prefix} onChange={set('prefix')} />
        </Field>
        <Field label={{ zh: '中文名称', en: 'Chinese name' }} error={err('name.zh')} at="name.zh">
          <TextInput name="nameZh" value={d.nameZh} onChange={set('nameZh')} />
        </Field>
        <Field label={{ zh: '英文名称', en: 'English name' }} error={err('name.en')} at="name.en">
          <TextInput name="nameEn" value={d.nameEn} onChange={set('nameEn')} />
        </Field>
        <Field label={{ zh: '类别', en: 'Category' }} error={err('category')} at="category">
          <TextInput name="category" value={d.category} onChange={set('category')} />
        </Field>
        <Field label={{ zh: '类别名称（中 / 英）', en: 'Category name (zh / en)' }} error={err('categoryName')} at="categoryName">
          <div className="pair">
            <TextInput name="categoryZh" value={d.categoryZh} onChange={set('categoryZh')} />
            <TextInput name="categoryEn" value={d.categoryEn} onChange={set('categoryEn')} />
          </div>
        </Field>
        <Field label={{ zh: '类型', en: 'Kind' }}>
          <Select
            name="kind"
            value={d.kind}
            onChange={set('kind')}
            options={[
              { value: 'normal', label: { zh: '普通业务', en: 'Normal' } },
              { value: 'cant-get-done', label: { zh: '办不成事反映', en: "Can't get it done" } },
            ]}
          />
        </Field>
        <Field label={{ zh: '默认办理时长（分钟）', en: 'Default service time (min)' }} error={err('defaultServiceMinutes')} at="defaultServiceMinutes">
          <NumberInput name="defaultServiceMinutes" value={d.defaultServiceMinutes} onChange={set('defaultServiceMinutes')} />
        </Field>
        <Field label={{ zh: '等候超过多少分钟提醒（留空按大厅规则）', en: 'Alert after waiting (min; blank: hall rule)' }} error={err('alertWaitMinutes')} at="alertWaitMinutes">
          <NumberInput name="alertWaitMinutes" value={d.alertWaitMinutes} onChange={set('alertWaitMinutes')} />
        </Field>
        <Field label={{ zh: '每人每日限取（留空按大厅规则）', en: 'Per-person daily limit (blank: hall rule)' }} error={err('perPersonDailyLimit')} at="perPersonDailyLimit">
          <NumberInput name="perPersonDailyLimit" value={d.perPersonDailyLimit} onChange={set('perPersonDailyLimit')} />
        </Field>
        <Field label={{ zh: '每日限额（留空不限）', en: 'Daily quota (blank: none)' }} error={err('schedule.dailyQuota')} at="schedule.dailyQuota">
          <NumberInput name="dailyQuota" value={d.dailyQuota} onChange={set('dailyQuota')} />
        </Field>
        <div className="field">
          <Check name="realNameRequired" checked={d.realNameRequired} onChange={set('realNameRequired')} label={{ zh: '须刷身份证取号', en: 'ID card required' }} />
          <Check name="appointmentOnly" checked={d.appointmentOnly} onChange={set('appointmentOnly')} label={{ zh: '仅限预约', en: 'Appointment only' }} />
        </div>
        <Field label={{ zh: '截止取号：下班前（分钟，留空按大厅作息）', en: "Walk-in cut-off before closing (min; blank: the hall's)" }} error={err('schedule.cutoffMinutes')} at="schedule.cutoffMinutes">
          <NumberInput name="serviceCutoffMinutes" value={d.cutoffMinutes} onChange={set('cutoffMinutes')} />
        </Field>
      </div>
      <GuideFields guide={d.guide} onChange={(f) => setD((x) => ({ ...x, guide: f(x.guide) }))} errors={errors} serviceId={d.id.trim()} windows={state.config.windows.values()} />
      <fieldset className="guide-form" data-testid="service-weekly">
        <legend>
          <Bi t={{ zh: '本业务的作息时间', en: 'Opening hours of this service' }} />
        </legend>
        <Check name="ownWeekly" checked={d.ownWeekly} onChange={set('ownWeekly')} label={{ zh: '使用本业务专用时间表（不勾选则按大厅作息；节假日与调休照常适用）', en: "A timetable of its own (else the hall's; holidays and adjusted workdays still apply)" }} />
        {d.ownWeekly ? <WeeklyFields weekly={d.weekly} onChange={(f) => setD((x) => ({ ...x, weekly: f(x.weekly) }))} errors={errors} errorPrefix="schedule.weekly" namePrefix="svc-" /> : null}
      </fieldset>
      <div className="form-grid">
      </div>
      <OutcomeNote outcome={outcome} />
      <div className="form-actions">
        <Button kind="primary" name="save" onClick={() => void save()}>
          <Bi t={{ zh: '保存', en: 'Save' }} />
        </Button>
        <JsonTransfer
          name="service"
          fileName={`hallq-service-${service?.id ?? 'new'}.json`}
          schema={ServiceSchema}
          value={() => (service ? state.config.services.get(service.id) ?? service : ServiceSchema.safeParse(buildService(d)).data ?? buildService(d))}
          onError={(message) => setOutcome({ ok: false, message })}
          onImport={async (v) => {
            if (service && v.id !== service.id) return setOutcome({ ok: false, message: { zh: `未导入：文件是业务 ${v.id} 的，不是 ${service.id} 的。`, en: `Not imported: the file is for service ${v.id}, not ${service.id}.` } });
            setD(toDraft(v));
            await store(v as Record<string, unknown>, IMPORTED);
          }}
        />
      </div>
    </div>
  );
}

export function ServicesEditor() {
  const { terminal } = useTerminal();
  const { state, version } = useHall();
  const items = useMemo(() => [...state.config.services.values()], [state, version]);
  return (
    <ListEditor
      title={{ zh: '业务', en: 'Services' }}
      testid="services"
      items={items}
      columns={[
        { title: { zh: '编号', en: 'ID' }, cell: (s) => <code>{s.id}</code> },
        { title: { zh: '号头', en: 'Prefix' }, cell: (s) => <b>{s.prefix}</b> },
        { title: { zh: '名称', en: 'Name' }, cell: (s) => <Bi t={s.name} /> },
        { title: { zh: '类别', en: 'Category' }, cell: (s) => (s.categoryName ? <Bi t={s.categoryName} /> : s.category) },
        { title: { zh: '办理窗口', en: 'Windows' }, cell: (s) => windowsServing(state.config.windows.values(), s.id).join(', ') || '—' },
        {
          title: { zh: '规则', en: 'Rules' },
          cell: (s) => (
            <span className="tags">
              {s.realNameRequired ? <Bi t={{ zh: '实名', en: 'ID card' }} only /> : null}
              {s.schedule?.appointmentOnly ? <Bi t={{ zh: '仅预约', en: 'Appointments' }} only /> : null}
              {s.kind === 'cant-get-done' ? <Bi t={{ zh: '办不成事', en: "Can't get it done" }} only /> : null}
            </span>
          ),
        },
      ]}
      form={(item, done) => <ServiceForm service={item} done={done} />}
      onRemove={async (s) => {
        const r = await removeConfig(terminal.local, 'service', s.id);
        return r.ok ? { ok: true, message: { zh: `已删除 ${s.id}。`, en: `Removed ${s.id}.` } } : r;
      }}
    />
  );
}
