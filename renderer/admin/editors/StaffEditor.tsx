/**
 * Staff: the public card (R9: name, post, duties, commitment, photo) and the counter PIN. A new
 * PIN is hashed here (salted PBKDF2) and only the hash is stored; no hash is ever shown.
 */
import { useMemo, useState } from 'react';
import { StaffSchema, type Staff } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { MAX_PIN_DIGITS, MIN_PIN_DIGITS, hashPin, isValidPin } from '../../../shared/identity/pin';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { removeConfig, saveConfig } from './changes';
import { errorsUnder, explainError, fieldErrors, type FieldErrors } from './explain';
import { Button, Field, OutcomeNote, SAVED, TextInput, type Outcome } from './Form';
import { ListEditor } from './ListEditor';

interface Draft {
  id: string;
  name: string;
  post: string;
  duties: string;
  commitment: string;
  /** The card in English (issue 17: an English screen shows these; blank: the Chinese). */
  postEn: string;
  dutiesEn: string;
  commitmentEn: string;
  photo: string;
  /** Window IDs, comma-separated; blank: any window of the hall. */
  windows: string;
  pin: string;
}

/** The typed window list as the card stores it: blank means no restriction. */
function windowsOf(typed: string): { windows?: string[] } {
  const ids = typed.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);
  return ids.length ? { windows: [...new Set(ids)] } : {};
}

function StaffForm({ staff, done }: { staff: Staff | undefined; done: (m: Bilingual) => void }) {
  const { terminal } = useTerminal();
  const [d, setD] = useState<Draft>(() => ({ id: staff?.id ?? '', name: staff?.name ?? '', post: staff?.post ?? '', duties: staff?.duties ?? '', commitment: staff?.commitment ?? '', postEn: staff?.en?.post ?? '', dutiesEn: staff?.en?.duties ?? '', commitmentEn: staff?.en?.commitment ?? '', photo: staff?.photo ?? '', windows: staff?.windows?.join(', ') ?? '', pin: '' }));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const err = (k: string) => errorsUnder(errors, k);
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const save = async () => {
    if (d.pin !== '' && !isValidPin(d.pin)) {
      return setOutcome({ ok: false, message: { zh: `未保存：PIN 应为 ${MIN_PIN_DIGITS} 至 ${MAX_PIN_DIGITS} 位数字。`, en: `Not saved: a PIN is ${MIN_PIN_DIGITS} to ${MAX_PIN_DIGITS} digits.` } });
    }
    setBusy(true);
    try {
      // Without a new PIN the card goes without one and the clerk keeps theirs (the fold's rule):
      // an admin never receives PIN hashes (server/store/pinVisibility.ts).
      const pinHash = d.pin !== '' ? await hashPin(d.pin, crypto.getRandomValues(new Uint8Array(16))) : undefined;
      const en = { ...(d.postEn.trim() ? { post: d.postEn.trim() } : {}), ...(d.dutiesEn.trim() ? { duties: d.dutiesEn.trim() } : {}), ...(d.commitmentEn.trim() ? { commitment: d.commitmentEn.trim() } : {}) };
      const value = { id: d.id.trim(), name: d.name.trim(), post: d.post.trim(), duties: d.duties.trim(), commitment: d.commitment.trim(), ...(Object.keys(en).length ? { en } : {}), ...(d.photo.trim() ? { photo: d.photo.trim() } : {}), ...windowsOf(d.windows), ...(pinHash ? { pinHash } : {}) };
      const checked = StaffSchema.safeParse(value);
      if (!checked.success) {
        setErrors(fieldErrors(checked.error));
        return setOutcome({ ok: false, message: explainError(checked.error) });
      }
      setErrors({});
      const r = await saveConfig(terminal.local, 'staff', d.id.trim(), value);
      if (r.ok) done(d.pin !== '' ? { zh: `${SAVED.zh}新 PIN 已设置。`, en: `${SAVED.en} The new PIN is set.` } : SAVED);
      else setOutcome(r);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form">
      <div className="form-grid">
        <Field label={{ zh: '编号', en: 'ID' }} error={err('id')} at="id">
          <TextInput name="id" value={d.id} onChange={set('id')} readOnly={staff !== undefined} />
        </Field>
        <Field label={{ zh: '姓名（公示）', en: 'Name (shown publicly, R9)' }} error={err('name')} at="name">
          <TextInput name="name" value={d.name} onChange={set('name')} />
        </Field>
        <Field label={{ zh: '岗位', en: 'Post' }} error={err('post')} at="post">
          <TextInput name="post" value={d.post} onChange={set('post')} />
        </Field>
        <Field label={{ zh: '岗位（英文，可空）', en: 'Post in English (optional)' }} error={err('en.post')} at="en.post">
          <TextInput name="postEn" value={d.postEn} onChange={set('postEn')} />
        </Field>
        <Field label={{ zh: '照片地址', en: 'Photo (path or address)' }} error={err('photo')} at="photo">
          <TextInput name="photo" value={d.photo} onChange={set('photo')} />
        </Field>
        <Field label={{ zh: '职责', en: 'Duties' }} error={err('duties')} at="duties">
          <textarea className="input" name="duties" rows={2} value={d.duties} onChange={(e) => set('duties')(e.target.value)} />
        </Field>
        <Field label={{ zh: '职责（英文，可空）', en: 'Duties in English (optional)' }} error={err('en.duties')} at="en.duties">
          <textarea className="input" name="dutiesEn" rows={2} value={d.dutiesEn} onChange={(e) => set('dutiesEn')(e.target.value)} />
        </Field>
        <Field label={{ zh: '服务承诺', en: 'Service commitment' }} error={err('commitment')} at="commitment">
          <textarea className="input" name="commitment" rows={2} value={d.commitment} onChange={(e) => set('commitment')(e.target.value)} />
        </Field>
        <Field label={{ zh: '服务承诺（英文，可空）', en: 'Commitment in English (optional)' }} error={err('en.commitment')} at="en.commitment">
          <textarea className="input" name="commitmentEn" rows={2} value={d.commitmentEn} onChange={(e) => set('commitmentEn')(e.target.value)} />
        </Field>
        <Field
          label={{ zh: '设置新 PIN（窗口签到用）', en: 'Set a new PIN (counter sign-in)' }}
          hint={staff?.pinHash || staff?.pinSet ? { zh: '已设置 PIN；留空则不变', en: 'A PIN is set; leave blank to keep it' } : { zh: '尚未设置 PIN', en: 'No PIN set yet' }}
        >
          <TextInput name="pin" type="password" value={d.pin} onChange={set('pin')} placeholder={`${MIN_PIN_DIGITS}-${MAX_PIN_DIGITS} 位数字 / digits`} />
        </Field>
        <Field label={{ zh: '可签到窗口（编号，逗号分隔）', en: 'Windows to sign in at (IDs, comma-separated)' }} hint={{ zh: '留空：本大厅任一窗口', en: 'Blank: any window of the hall' }}>
          <TextInput name="windows" value={d.windows} onChange={set('windows')} />
        </Field>
      </div>
      <OutcomeNote outcome={outcome} />
      <div className="form-actions">
        <Button kind="primary" name="save" onClick={() => void save()} disabled={busy}>
          <Bi t={{ zh: '保存', en: 'Save' }} />
        </Button>
      </div>
    </div>
  );
}

export function StaffEditor() {
  const { terminal } = useTerminal();
  const { state, version } = useHall();
  const items = useMemo(() => [...state.config.staff.values()], [state, version]);
  return (
    <ListEditor
      title={{ zh: '工作人员', en: 'Staff' }}
      testid="staff"
      items={items}
      columns={[
        { title: { zh: '编号', en: 'ID' }, cell: (s) => <code>{s.id}</code> },
        { title: { zh: '姓名', en: 'Name' }, cell: (s) => s.name },
        { title: { zh: '岗位', en: 'Post' }, cell: (s) => s.post },
        { title: { zh: '服务承诺', en: 'Commitment' }, cell: (s) => <span className="clip">{s.commitment}</span> },
        { title: { zh: 'PIN', en: 'PIN' }, cell: (s) => (s.pinHash || s.pinSet ? <Bi t={{ zh: '已设置', en: 'set' }} only /> : <span className="muted"><Bi t={{ zh: '未设置', en: 'not set' }} only /></span>) },
      ]}
      form={(item, done) => <StaffForm staff={item} done={done} />}
      onRemove={async (s) => {
        const r = await removeConfig(terminal.local, 'staff', s.id);
        return r.ok ? { ok: true, message: { zh: `已删除 ${s.name}。`, en: `Removed ${s.name}.` } } : r;
      }}
    />
  );
}
