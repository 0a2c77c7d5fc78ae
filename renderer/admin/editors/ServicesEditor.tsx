/** Services: name, number prefix, category, real-name rule, limits; guide and timetable as JSON (advanced). */
import { useMemo, useState } from 'react';
import type { Service } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { removeConfig, saveConfig } from './changes';
import { Button, Check, Field, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';
import { ListEditor } from './ListEditor';

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
  /** guide, weekly timetable, cut-off: JSON. */
  advanced: string;
}

function toDraft(s: Service | undefined): Draft {
  const advanced: Record<string, unknown> = {};
  if (s?.guide) advanced.guide = s.guide;
  if (s?.schedule?.weekly) advanced.weekly = s.schedule.weekly;
  if (s?.schedule?.cutoffMinutes !== undefined) advanced.cutoffMinutes = s.schedule.cutoffMinutes;
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
    advanced: Object.keys(advanced).length ? JSON.stringify(advanced, null, 2) : '',
  };
}

type Built = { ok: true; value: Record<string, unknown> } | { ok: false; message: Bilingual };

export function buildService(d: Draft): Built {
  let advanced: Record<string, unknown> = {};
  if (d.advanced.trim()) {
    try {
      const parsed: unknown = JSON.parse(d.advanced);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      advanced = parsed as Record<string, unknown>;
    } catch {
      return { ok: false, message: { zh: '未保存：高级设置不是有效的 JSON 对象。', en: 'Not saved: the advanced settings are not a valid JSON object.' } };
    }
  }
  const { guide, weekly, cutoffMinutes, ...unknown } = advanced;
  if (Object.keys(unknown).length) {
    return { ok: false, message: { zh: `未保存：高级设置中有不认识的字段：${Object.keys(unknown).join('、')}`, en: `Not saved: unknown fields in the advanced settings: ${Object.keys(unknown).join(', ')}` } };
  }
  const schedule: Record<string, unknown> = {};
  if (weekly !== undefined) schedule.weekly = weekly;
  if (cutoffMinutes !== undefined) schedule.cutoffMinutes = cutoffMinutes;
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
  if (guide !== undefined) value.guide = guide;
  return { ok: true, value };
}

function ServiceForm({ service, done }: { service: Service | undefined; done: (m: Bilingual) => void }) {
  const { terminal } = useTerminal();
  const [d, setD] = useState<Draft>(() => toDraft(service));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const save = async () => {
    const built = buildService(d);
    if (!built.ok) return setOutcome(built);
    const r = await saveConfig(terminal.local, 'service', d.id.trim(), built.value);
    if (r.ok) done(SAVED);
    else setOutcome(r);
  };
  return (
    <div className="form">
      <div className="form-grid">
        <Field label={{ zh: '编号', en: 'ID' }} hint={{ zh: '字母、数字、-、_', en: 'letters, digits, - or _' }}>
          <TextInput name="id" value={d.id} onChange={set('id')} readOnly={service !== undefined} />
        </Field>
        <Field label={{ zh: '号头字母', en: 'Number prefix' }} hint={{ zh: '一个大写字母，如 A', en: 'one capital letter, e.g. A' }}>
          <TextInput name="prefix" value={d.prefix} onChange={set('prefix')} />
        </Field>
        <Field label={{ zh: '中文名称', en: 'Chinese name' }}>
          <TextInput name="nameZh" value={d.nameZh} onChange={set('nameZh')} />
        </Field>
        <Field label={{ zh: '英文名称', en: 'English name' }}>
          <TextInput name="nameEn" value={d.nameEn} onChange={set('nameEn')} />
        </Field>
        <Field label={{ zh: '类别', en: 'Category' }}>
          <TextInput name="category" value={d.category} onChange={set('category')} />
        </Field>
        <Field label={{ zh: '类别名称（中 / 英）', en: 'Category name (zh / en)' }}>
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
        <Field label={{ zh: '默认办理时长（分钟）', en: 'Default service time (min)' }}>
          <NumberInput name="defaultServiceMinutes" value={d.defaultServiceMinutes} onChange={set('defaultServiceMinutes')} />
        </Field>
        <Field label={{ zh: '等候超过多少分钟提醒（留空按大厅规则）', en: 'Alert after waiting (min; blank: hall rule)' }}>
          <NumberInput name="alertWaitMinutes" value={d.alertWaitMinutes} onChange={set('alertWaitMinutes')} />
        </Field>
        <Field label={{ zh: '每人每日限取（留空按大厅规则）', en: 'Per-person daily limit (blank: hall rule)' }}>
          <NumberInput name="perPersonDailyLimit" value={d.perPersonDailyLimit} onChange={set('perPersonDailyLimit')} />
        </Field>
        <Field label={{ zh: '每日限额（留空不限）', en: 'Daily quota (blank: none)' }}>
          <NumberInput name="dailyQuota" value={d.dailyQuota} onChange={set('dailyQuota')} />
        </Field>
        <div className="field">
          <Check name="realNameRequired" checked={d.realNameRequired} onChange={set('realNameRequired')} label={{ zh: '须刷身份证取号', en: 'ID card required' }} />
          <Check name="appointmentOnly" checked={d.appointmentOnly} onChange={set('appointmentOnly')} label={{ zh: '仅限预约', en: 'Appointment only' }} />
        </div>
        <Field wide label={{ zh: '高级（JSON）：办事指南 guide、专用时间表 weekly、截止 cutoffMinutes', en: 'Advanced (JSON): guide, own weekly timetable, cutoffMinutes' }}>
          <textarea className="input code" name="advanced" rows={6} value={d.advanced} onChange={(e) => set('advanced')(e.target.value)} spellCheck={false} />
        </Field>
      </div>
      <OutcomeNote outcome={outcome} />
      <div className="form-actions">
        <Button kind="primary" name="save" onClick={() => void save()}>
          <Bi t={{ zh: '保存', en: 'Save' }} />
        </Button>
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
