/** Windows (R4 comprehensive windows, R7 love windows): number, name, the services it takes and in what order. */
import { useMemo, useState } from 'react';
import { WindowSchema, type Window } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { useLang } from '../../i18n/lang';
import { removeConfig, saveConfig } from './changes';
import { errorsUnder, explainError, fieldErrors, type FieldErrors } from './explain';
import { Button, Check, Field, FieldError, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';
import { ListEditor } from './ListEditor';

type Mode = 'fifo' | 'ordered' | 'weighted';

const MODES: Array<{ value: Mode; label: Bilingual }> = [
  { value: 'fifo', label: { zh: '按取号先后', en: 'First come, first served' } },
  { value: 'ordered', label: { zh: '按业务顺序', en: 'Services in order' } },
  { value: 'weighted', label: { zh: '按业务权重', en: 'By weight' } },
];

interface Draft {
  id: string;
  label: string;
  nameZh: string;
  nameEn: string;
  services: Array<{ serviceId: string; weight: string }>;
  mode: Mode;
  priorityFirst: boolean;
  /** Blank: priority for all its services. */
  priorityServices: string[];
  priorityAll: boolean;
}

function toDraft(w: Window | undefined): Draft {
  return {
    id: w?.id ?? '',
    label: w?.label ?? '',
    nameZh: w?.name?.zh ?? '',
    nameEn: w?.name?.en ?? '',
    services: (w?.services ?? []).map((s) => ({ serviceId: s.serviceId, weight: String(s.weight) })),
    mode: w?.mode ?? 'fifo',
    priorityFirst: w?.priorityFirst ?? false,
    priorityAll: w?.priorityServices === undefined || w.priorityServices === 'all',
    priorityServices: Array.isArray(w?.priorityServices) ? w.priorityServices : [],
  };
}

function buildWindow(d: Draft): Record<string, unknown> {
  const value: Record<string, unknown> = {
    id: d.id.trim(),
    label: d.label.trim(),
    services: d.services.map((s) => ({ serviceId: s.serviceId, weight: numberOrText(s.weight) ?? 1 })),
    mode: d.mode,
    priorityFirst: d.priorityFirst,
    priorityServices: d.priorityAll ? 'all' : d.priorityServices.filter((id) => d.services.some((s) => s.serviceId === id)),
  };
  if (d.nameZh.trim() || d.nameEn.trim()) value.name = { zh: d.nameZh.trim(), en: d.nameEn.trim() };
  return value;
}

function WindowForm({ win, done }: { win: Window | undefined; done: (m: Bilingual) => void }) {
  const { terminal } = useTerminal();
  const { state } = useHall();
  const services = [...state.config.services.values()];
  const [d, setD] = useState<Draft>(() => toDraft(win));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const name = (id: string) => state.config.services.get(id)?.name ?? { zh: id, en: id };
  const move = (i: number, by: -1 | 1) =>
    setD((x) => {
      const list = [...x.services];
      const j = i + by;
      if (j < 0 || j >= list.length) return x;
      [list[i], list[j]] = [list[j]!, list[i]!];
      return { ...x, services: list };
    });
  const lang = useLang((x) => x.lang);
  const unused = services.filter((s) => !d.services.some((x) => x.serviceId === s.id));
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = async () => {
    const value = buildWindow(d);
    const checked = WindowSchema.safeParse(value);
    if (!checked.success) {
      setErrors(fieldErrors(checked.error));
      return setOutcome({ ok: false, message: explainError(checked.error) });
    }
    setErrors({});
    const r = await saveConfig(terminal.local, 'window', d.id.trim(), value);
    if (r.ok) done(SAVED);
    else setOutcome(r);
  };
  return (
    <div className="form">
      <div className="form-grid">
        <Field label={{ zh: '编号', en: 'ID' }} error={errorsUnder(errors, 'id')} at="id">
          <TextInput name="id" value={d.id} onChange={set('id')} readOnly={win !== undefined} />
        </Field>
        <Field label={{ zh: '窗口号（屏幕显示）', en: 'Window number (on screens)' }} error={errorsUnder(errors, 'label')} at="label">
          <TextInput name="label" value={d.label} onChange={set('label')} />
        </Field>
        <Field label={{ zh: '中文名称', en: 'Chinese name' }} error={errorsUnder(errors, 'name.zh')} at="name.zh">
          <TextInput name="nameZh" value={d.nameZh} onChange={set('nameZh')} />
        </Field>
        <Field label={{ zh: '英文名称', en: 'English name' }} error={errorsUnder(errors, 'name.en')} at="name.en">
          <TextInput name="nameEn" value={d.nameEn} onChange={set('nameEn')} />
        </Field>
        <Field label={{ zh: '叫号方式', en: 'Calling order' }}>
          <Select name="mode" value={d.mode} onChange={set('mode')} options={MODES} />
        </Field>
        <div className="field">
          <Check name="priorityFirst" checked={d.priorityFirst} onChange={set('priorityFirst')} label={{ zh: '爱心窗口：优先叫特殊群体', en: 'Priority window: special groups first' }} />
          {d.priorityFirst ? <Check name="priorityAll" checked={d.priorityAll} onChange={set('priorityAll')} label={{ zh: '优先适用于本窗口全部业务', en: 'Priority for all its services' }} /> : null}
        </div>
        <div className="field field-wide">
          <span className="field-label">
            <Bi t={{ zh: '办理业务（按顺序）', en: 'Services (in order)' }} />
          </span>
          <FieldError error={errorsUnder(errors, 'services')} at="services" />
          <ol className="service-order">
            {d.services.map((s, i) => (
              <li key={s.serviceId} data-service={s.serviceId}>
                <span className="service-order-name">
                  <Bi t={name(s.serviceId)} />
                </span>
                {d.mode === 'weighted' ? (
                  <label className="inline">
                    <Bi t={{ zh: '权重', en: 'Weight' }} only />
                    <NumberInput name={`weight-${s.serviceId}`} value={s.weight} onChange={(v) => setD((x) => ({ ...x, services: x.services.map((y) => (y.serviceId === s.serviceId ? { ...y, weight: v } : y)) }))} />
                  </label>
                ) : null}
                {d.priorityFirst && !d.priorityAll ? (
                  <Check
                    name={`priority-${s.serviceId}`}
                    checked={d.priorityServices.includes(s.serviceId)}
                    onChange={(on) => setD((x) => ({ ...x, priorityServices: on ? [...x.priorityServices, s.serviceId] : x.priorityServices.filter((p) => p !== s.serviceId) }))}
                    label={{ zh: '优先', en: 'Priority' }}
                  />
                ) : null}
                <Button name="up" onClick={() => move(i, -1)} disabled={i === 0}>
                  ↑
                </Button>
                <Button name="down" onClick={() => move(i, 1)} disabled={i === d.services.length - 1}>
                  ↓
                </Button>
                <Button name="drop" kind="danger" onClick={() => setD((x) => ({ ...x, services: x.services.filter((y) => y.serviceId !== s.serviceId) }))}>
                  ×
                </Button>
              </li>
            ))}
          </ol>
          {unused.length ? (
            <div className="add-row">
              <select className="input" name="addService" value="" onChange={(e) => e.target.value && setD((x) => ({ ...x, services: [...x.services, { serviceId: e.target.value, weight: '1' }] }))}>
                <option value="">{lang === 'zh' ? '+ 添加业务 / Add a service' : '+ Add a service / 添加业务'}</option>
                {unused.map((s) => (
                  <option key={s.id} value={s.id}>
                    {lang === 'zh' ? `${s.name.zh} / ${s.name.en}` : `${s.name.en} / ${s.name.zh}`}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
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

export function WindowsEditor() {
  const { terminal } = useTerminal();
  const { state, version } = useHall();
  const items = useMemo(() => [...state.config.windows.values()].sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true })), [state, version]);
  const lang = useLang((x) => x.lang);
  // English admin: English service names where they exist (issue 17).
  const svcName = (id: string) => state.config.services.get(id)?.name[lang] ?? id;
  return (
    <ListEditor
      title={{ zh: '窗口', en: 'Windows' }}
      testid="windows"
      items={items}
      columns={[
        { title: { zh: '窗口号', en: 'Number' }, cell: (w) => <b>{w.label}</b> },
        { title: { zh: '名称', en: 'Name' }, cell: (w) => (w.name ? <Bi t={w.name} /> : '—') },
        { title: { zh: '办理业务', en: 'Services' }, cell: (w) => w.services.map((s) => svcName(s.serviceId)).join(lang === 'zh' ? '、' : ', ') },
        { title: { zh: '叫号方式', en: 'Order' }, cell: (w) => <Bi t={MODES.find((m) => m.value === w.mode)!.label} /> },
        { title: { zh: '爱心窗口', en: 'Priority' }, cell: (w) => (w.priorityFirst ? '✓' : '') },
      ]}
      form={(item, done) => <WindowForm win={item} done={done} />}
      onRemove={async (w) => {
        const r = await removeConfig(terminal.local, 'window', w.id);
        return r.ok ? { ok: true, message: { zh: `已删除窗口 ${w.label}。`, en: `Removed window ${w.label}.` } } : r;
      }}
    />
  );
}
