/**
 * A service guide (办事指南, R15) as a form (issue 17): the materials in order (add, remove,
 * move), each with its name in Chinese and English, copies, original or copy and a note; the
 * legal basis, time limit, fee, where in the hall and the guide link. The windows are not typed:
 * they are the windows that serve the service (shared/config/guide.ts), shown here read-only.
 */
import { MATERIAL_FORMS, type MaterialForm, type Service, type Window } from '../../../shared/config/schemas';
import { placeNamesWindows, windowsServing, windowsText } from '../../../shared/config/guide';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { errorsUnder, type FieldErrors } from './explain';
import { Button, Field, NumberInput, Select, TextInput, numberOrText } from './Form';

export interface MaterialDraft {
  /** Keeps React's rows with their material while they move. */
  key: number;
  zh: string;
  en: string;
  copies: string;
  form: MaterialForm | '';
  noteZh: string;
  noteEn: string;
}

export interface GuideDraft {
  materials: MaterialDraft[];
  basisZh: string;
  basisEn: string;
  timeLimitZh: string;
  timeLimitEn: string;
  feeZh: string;
  feeEn: string;
  placeZh: string;
  placeEn: string;
  url: string;
}

let nextKey = 1;

export function newMaterial(): MaterialDraft {
  return { key: nextKey++, zh: '', en: '', copies: '', form: '', noteZh: '', noteEn: '' };
}

export function toGuideDraft(g: Service['guide']): GuideDraft {
  return {
    materials: (g?.materials ?? []).map((m) => ({ key: nextKey++, zh: m.zh, en: m.en, copies: m.copies?.toString() ?? '', form: m.form ?? '', noteZh: m.note?.zh ?? '', noteEn: m.note?.en ?? '' })),
    basisZh: g?.basis?.zh ?? '',
    basisEn: g?.basis?.en ?? '',
    timeLimitZh: g?.timeLimit?.zh ?? '',
    timeLimitEn: g?.timeLimit?.en ?? '',
    feeZh: g?.fee?.zh ?? '',
    feeEn: g?.fee?.en ?? '',
    placeZh: g?.place?.zh ?? '',
    placeEn: g?.place?.en ?? '',
    url: g?.url ?? '',
  };
}

/** Both languages or neither: one left empty is for the schema to call out ("不能为空"). */
function pair(zh: string, en: string): Bilingual | undefined {
  const z = zh.trim();
  const e = en.trim();
  return z || e ? { zh: z, en: e } : undefined;
}

/** The guide as the schema reads it; undefined when the form holds nothing. */
export function buildGuide(d: GuideDraft): Record<string, unknown> | undefined {
  const materials = d.materials.map((m) => {
    const out: Record<string, unknown> = { zh: m.zh.trim(), en: m.en.trim() };
    const copies = numberOrText(m.copies);
    if (copies !== undefined) out.copies = copies;
    if (m.form) out.form = m.form;
    const note = pair(m.noteZh, m.noteEn);
    if (note) out.note = note;
    return out;
  });
  const g: Record<string, unknown> = { materials };
  const fields: Array<[string, Bilingual | undefined]> = [
    ['basis', pair(d.basisZh, d.basisEn)],
    ['timeLimit', pair(d.timeLimitZh, d.timeLimitEn)],
    ['fee', pair(d.feeZh, d.feeEn)],
    ['place', pair(d.placeZh, d.placeEn)],
  ];
  for (const [k, v] of fields) if (v) g[k] = v;
  if (d.url.trim()) g.url = d.url.trim();
  return materials.length || Object.keys(g).length > 1 ? g : undefined;
}

const FORMS: ReadonlyArray<{ value: MaterialForm | ''; label: Bilingual }> = [
  { value: '', label: { zh: '未说明', en: 'Not stated' } },
  ...MATERIAL_FORMS.map((f) => ({
    value: f,
    label: f === 'original' ? { zh: '原件', en: 'Original' } : f === 'copy' ? { zh: '复印件', en: 'Copy' } : { zh: '原件和复印件', en: 'Original and copy' },
  })),
];

export function GuideFields({ guide, onChange, errors, serviceId, windows }: { guide: GuideDraft; onChange: (f: (g: GuideDraft) => GuideDraft) => void; errors: FieldErrors; serviceId: string; windows: Iterable<Window> }) {
  const set = <K extends keyof GuideDraft>(k: K) => (v: GuideDraft[K]) => onChange((g) => ({ ...g, [k]: v }));
  const setMaterial = (key: number, patch: Partial<MaterialDraft>) => onChange((g) => ({ ...g, materials: g.materials.map((m) => (m.key === key ? { ...m, ...patch } : m)) }));
  const move = (i: number, by: number) =>
    onChange((g) => {
      const ms = [...g.materials];
      const [m] = ms.splice(i, 1);
      ms.splice(i + by, 0, m!);
      return { ...g, materials: ms };
    });
  const err = (k: string) => errorsUnder(errors, `guide.${k}`);
  const served = windowsText(windowsServing(windows, serviceId));
  const typedWindows = placeNamesWindows(pair(guide.placeZh, guide.placeEn));
  return (
    <fieldset className="guide-form" data-testid="guide-form">
      <legend>
        <Bi t={{ zh: '办事指南', en: 'Service guide' }} />
      </legend>
      <div className="field field-wide">
        <span className="field-label">
          <Bi t={{ zh: '所需材料（按顺序）', en: 'Materials (in order)' }} />
        </span>
        {guide.materials.length === 0 ? (
          <span className="muted">
            <Bi t={{ zh: '无需材料', en: 'Nothing to bring' }} only />
          </span>
        ) : null}
        <ol className="materials-edit">
          {guide.materials.map((m, i) => {
            const at = `guide.materials.${i}`;
            return (
              <li key={m.key} data-material={i}>
                <div className="material-row">
                  <Field label={{ zh: '材料名称（中文）', en: 'Name (Chinese)' }} error={errorsUnder(errors, `${at}.zh`)} at={`${at}.zh`}>
                    <TextInput name={`material-${i}-zh`} value={m.zh} onChange={(v) => setMaterial(m.key, { zh: v })} />
                  </Field>
                  <Field label={{ zh: '材料名称（英文）', en: 'Name (English)' }} error={errorsUnder(errors, `${at}.en`)} at={`${at}.en`}>
                    <TextInput name={`material-${i}-en`} value={m.en} onChange={(v) => setMaterial(m.key, { en: v })} />
                  </Field>
                  <Field label={{ zh: '份数', en: 'Copies' }} error={errorsUnder(errors, `${at}.copies`)} at={`${at}.copies`}>
                    <NumberInput name={`material-${i}-copies`} value={m.copies} onChange={(v) => setMaterial(m.key, { copies: v })} />
                  </Field>
                  <Field label={{ zh: '原件 / 复印件', en: 'Original / copy' }} error={errorsUnder(errors, `${at}.form`)} at={`${at}.form`}>
                    <Select name={`material-${i}-form`} value={m.form} onChange={(v) => setMaterial(m.key, { form: v })} options={FORMS} />
                  </Field>
                  <span className="material-actions">
                    <Button name="material-up" onClick={() => move(i, -1)} disabled={i === 0}>
                      ↑
                    </Button>
                    <Button name="material-down" onClick={() => move(i, 1)} disabled={i === guide.materials.length - 1}>
                      ↓
                    </Button>
                    <Button name="material-remove" kind="danger" onClick={() => onChange((g) => ({ ...g, materials: g.materials.filter((x) => x.key !== m.key) }))}>
                      <Bi t={{ zh: '删除', en: 'Remove' }} only />
                    </Button>
                  </span>
                </div>
                <div className="material-row">
                  <Field label={{ zh: '备注（中文，可空）', en: 'Note (Chinese, optional)' }} error={errorsUnder(errors, `${at}.note.zh`)} at={`${at}.note.zh`}>
                    <TextInput name={`material-${i}-note-zh`} value={m.noteZh} onChange={(v) => setMaterial(m.key, { noteZh: v })} />
                  </Field>
                  <Field label={{ zh: '备注（英文，可空）', en: 'Note (English, optional)' }} error={errorsUnder(errors, `${at}.note.en`)} at={`${at}.note.en`}>
                    <TextInput name={`material-${i}-note-en`} value={m.noteEn} onChange={(v) => setMaterial(m.key, { noteEn: v })} />
                  </Field>
                </div>
              </li>
            );
          })}
        </ol>
        <div className="add-row">
          <Button name="add-material" onClick={() => onChange((g) => ({ ...g, materials: [...g.materials, newMaterial()] }))}>
            <Bi t={{ zh: '+ 添加材料', en: '+ Add a material' }} only />
          </Button>
        </div>
      </div>
      <div className="form-grid">
        <BiFields label={{ zh: '办理依据', en: 'Legal basis' }} name="basis" zh={guide.basisZh} en={guide.basisEn} setZh={set('basisZh')} setEn={set('basisEn')} errors={errors} />
        <BiFields label={{ zh: '办理时限', en: 'Time limit' }} name="timeLimit" zh={guide.timeLimitZh} en={guide.timeLimitEn} setZh={set('timeLimitZh')} setEn={set('timeLimitEn')} errors={errors} />
        <BiFields label={{ zh: '收费标准', en: 'Fee' }} name="fee" zh={guide.feeZh} en={guide.feeEn} setZh={set('feeZh')} setEn={set('feeEn')} errors={errors} />
        <BiFields label={{ zh: '办理地点（楼层、区域）', en: 'Where in the hall (floor, area)' }} name="place" zh={guide.placeZh} en={guide.placeEn} setZh={set('placeZh')} setEn={set('placeEn')} errors={errors} />
        <div className="field field-wide" data-testid="guide-windows">
          <span className="field-label">
            <Bi t={{ zh: '办理窗口（来自窗口设置，不在此填写）', en: 'Windows (from the window settings, not typed here)' }} />
          </span>
          <span className="derived">{served ? <Bi t={served} /> : <Bi t={{ zh: '暂无窗口办理此业务', en: 'No window serves this service yet' }} />}</span>
          {typedWindows ? (
            <span className="field-warning" role="note" data-testid="place-names-windows">
              <Bi t={{ zh: '办理地点里写了窗口号：窗口以窗口设置为准，请在地点中只写楼层或区域。', en: 'The place names window numbers: the windows come from the window settings; give only the floor or area here.' }} />
            </span>
          ) : null}
        </div>
        <Field wide label={{ zh: '办事指南链接（手机扫码查看）', en: 'Guide link (for the phone)' }} hint={{ zh: '以 http:// 或 https:// 开头', en: 'starts with http:// or https://' }} error={err('url')} at="guide.url">
          <TextInput name="guideUrl" value={guide.url} onChange={set('url')} />
        </Field>
      </div>
    </fieldset>
  );
}

function BiFields({ label, name, zh, en, setZh, setEn, errors }: { label: Bilingual; name: string; zh: string; en: string; setZh: (v: string) => void; setEn: (v: string) => void; errors: FieldErrors }) {
  return (
    <>
      <Field label={{ zh: `${label.zh}（中文）`, en: `${label.en} (Chinese)` }} error={errorsUnder(errors, `guide.${name}.zh`)} at={`guide.${name}.zh`}>
        <TextInput name={`${name}Zh`} value={zh} onChange={setZh} />
      </Field>
      <Field label={{ zh: `${label.zh}（英文）`, en: `${label.en} (English)` }} error={errorsUnder(errors, `guide.${name}.en`)} at={`guide.${name}.en`}>
        <TextInput name={`${name}En`} value={en} onChange={setEn} />
      </Field>
    </>
  );
}
