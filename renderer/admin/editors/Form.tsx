/** Small form pieces the editors share: labelled fields, the save bar with its messages. */
import type { ReactNode } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { useLang } from '../../i18n/lang';

export function Field({ label, hint, children, wide, error, at }: { label: Bilingual; hint?: Bilingual; children: ReactNode; wide?: boolean; /** What is wrong with this field (zh and en). */ error?: Bilingual | undefined; /** The value's path, for tests and screen readers. */ at?: string }) {
  return (
    <label className={`field${wide ? ' field-wide' : ''}${error ? ' field-invalid' : ''}`}>
      <span className="field-label">
        <Bi t={label} />
      </span>
      {children}
      {hint ? (
        <span className="field-hint">
          <Bi t={hint} only />
        </span>
      ) : null}
      <FieldError error={error} at={at} />
    </label>
  );
}

/** A validation error next to its field: Chinese and English, always both (issue 17). */
export function FieldError({ error, at }: { error: Bilingual | undefined; at?: string | undefined }) {
  if (!error) return null;
  return (
    <span className="field-error" role="alert" data-error-for={at}>
      <Bi t={error} />
    </span>
  );
}

export function TextInput({ value, onChange, name, placeholder, readOnly, type = 'text' }: { value: string; onChange: (v: string) => void; name: string; placeholder?: string; readOnly?: boolean; type?: string }) {
  return <input className="input" type={type} name={name} value={value} placeholder={placeholder} readOnly={readOnly} onChange={(e) => onChange(e.target.value)} />;
}

export function NumberInput({ value, onChange, name }: { value: string; onChange: (v: string) => void; name: string }) {
  return <input className="input input-number" inputMode="numeric" name={name} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function Check({ checked, onChange, name, label }: { checked: boolean; onChange: (v: boolean) => void; name: string; label: Bilingual }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <Bi t={label} />
    </label>
  );
}

export function Select<V extends string>({ value, onChange, name, options }: { value: V; onChange: (v: V) => void; name: string; options: ReadonlyArray<{ value: V; label: Bilingual }> }) {
  const lang = useLang((s) => s.lang);
  return (
    <select className="input" name={name} value={value} onChange={(e) => onChange(e.target.value as V)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {lang === 'zh' ? `${o.label.zh} / ${o.label.en}` : `${o.label.en} / ${o.label.zh}`}
        </option>
      ))}
    </select>
  );
}

export type Outcome = { ok: true; message: Bilingual } | { ok: false; message: Bilingual } | null;

/** The result of the last save: refused (what is wrong) or saved. */
export function OutcomeNote({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return outcome.ok ? (
    <div className="note note-ok" role="status" data-testid="editor-saved">
      <Bi t={outcome.message} />
    </div>
  ) : (
    <div className="note note-error" role="alert" data-testid="editor-error">
      <Bi t={outcome.message} />
    </div>
  );
}

export function Button({ onClick, children, kind = 'plain', name, disabled }: { onClick: () => void; children: ReactNode; kind?: 'primary' | 'plain' | 'danger'; name?: string; disabled?: boolean }) {
  return (
    <button type="button" className={`btn btn-${kind}`} onClick={onClick} data-action={name} disabled={disabled}>
      {children}
    </button>
  );
}

/** '' -> undefined; a number where there is one; otherwise the text (the schema says what is wrong). */
export function numberOrText(s: string): number | string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export const SAVED: Bilingual = { zh: '已保存，正在同步到各终端。', en: 'Saved; syncing to every terminal.' };
