/**
 * 终端设置: what hall IT fills in at a terminal's first start (a touch screen, maybe no keyboard):
 * the terminal's ID and use, its window, the servers, the one-time code from the admin's terminal
 * list, and the password of the exit gesture. Errors show next to their field in both languages;
 * a refusal from the main process shows there too (or above the button).
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Bilingual } from '../../shared/config/text';
import { ROLES, type ShellInfo, type ShellResult } from '../../shared/shell/contract';
import { Bi } from '../i18n/Bi';
import { pick, useLang } from '../i18n/lang';
import { EMPTY_FIELDS, MAX_SERVERS, PASSWORD_MIN, ROLE_LABELS, fieldOf, isRole, needsWindow, parseSetupForm, type SetupField, type SetupFields, type ShellApi } from './form';

type Info = { t: 'loading' } | { t: 'ok'; info: ShellInfo } | { t: 'failed'; error: string };
type Phase = { t: 'editing' } | { t: 'saving' } | { t: 'saved' } | { t: 'refused'; message: Bilingual; field?: SetupField };

export function SetupApp({ shell }: { shell: ShellApi }) {
  const [info, setInfo] = useState<Info>({ t: 'loading' });
  const [fields, setFields] = useState<SetupFields>(EMPTY_FIELDS);
  const [attempted, setAttempted] = useState(false);
  const [phase, setPhase] = useState<Phase>({ t: 'editing' });
  const firstInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let cancelled = false;
    shell.info().then(
      (i) => {
        if (cancelled) return;
        setInfo({ t: 'ok', info: i });
        // Setting up again: start from what this terminal was.
        setFields((f) => ({ ...f, terminalId: f.terminalId || i.terminalId || '', role: f.role || i.role || '' }));
      },
      (err: unknown) => !cancelled && setInfo({ t: 'failed', error: String(err) }),
    );
    firstInput.current?.focus();
    return () => {
      cancelled = true;
    };
  }, [shell]);

  const result = parseSetupForm(fields);
  const errors = attempted && !result.ok ? result.errors : {};
  const refusedField = phase.t === 'refused' ? phase.field : undefined;
  const errorOf = (f: SetupField): Bilingual | undefined => errors[f] ?? (phase.t === 'refused' && refusedField === f ? phase.message : undefined);
  const busy = phase.t === 'saving' || phase.t === 'saved';

  const set = (f: SetupField) => (value: string) => {
    setFields((s) => ({ ...s, [f]: value }));
    if (phase.t === 'refused') setPhase({ t: 'editing' });
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setAttempted(true);
    if (!result.ok) {
      const first = Object.keys(result.errors)[0];
      if (first) document.getElementById(`setup-${first}`)?.focus();
      return;
    }
    setPhase({ t: 'saving' });
    const r: ShellResult = await shell.saveSetup(result.input).catch((err: unknown): ShellResult => ({
      ok: false,
      message: { zh: `保存失败：${String(err)}`, en: `Saving failed: ${String(err)}` },
    }));
    if (r.ok) setPhase({ t: 'saved' });
    else {
      const field = fieldOf(r.field);
      setPhase({ t: 'refused', message: r.message, ...(field ? { field } : {}) });
    }
  }

  const needsWin = needsWindow(fields.role);
  return (
    <div className="setup" data-phase={phase.t}>
      <Header info={info} />
      <form className="setup-form" onSubmit={submit} noValidate autoComplete="off">
        <section className="setup-card setup-terminal">
          <h2>
            <Bi t={{ zh: '本机', en: 'This terminal' }} />
          </h2>
          <Field name="terminalId" label={{ zh: '终端编号', en: 'Terminal ID' }} hint={{ zh: '与管理端终端列表一致，如 kiosk-1', en: "As in the admin's list, e.g. kiosk-1" }} error={errorOf('terminalId')}>
            {(p) => <input {...p} ref={firstInput} type="text" value={fields.terminalId} onChange={(e) => set('terminalId')(e.target.value)} disabled={busy} />}
          </Field>
          <fieldset className={`field${errorOf('role') ? ' has-error' : ''}`} aria-describedby="setup-role-error">
            <legend className="field-label">
              <Bi t={{ zh: '用途', en: 'Role' }} />
            </legend>
            <div className="roles" id="setup-role" tabIndex={-1}>
              {ROLES.map((r) => (
                <label key={r} className={`role-opt${fields.role === r ? ' checked' : ''}`} data-testid={`role-${r}`}>
                  <input type="radio" name="role" value={r} checked={fields.role === r} onChange={() => set('role')(r)} disabled={busy} />
                  <Bi t={ROLE_LABELS[r]} />
                </label>
              ))}
            </div>
            <FieldError id="setup-role-error" field="role" error={errorOf('role')} />
          </fieldset>
          {needsWin ? (
            <Field name="windowId" label={{ zh: '所属窗口编号', en: 'Window ID' }} hint={{ zh: '本机所在的窗口，如 w1', en: 'The window this terminal is at, e.g. w1' }} error={errorOf('windowId')}>
              {(p) => <input {...p} type="text" value={fields.windowId} onChange={(e) => set('windowId')(e.target.value)} disabled={busy} />}
            </Field>
          ) : null}
          {isRole(fields.role) && !needsWin ? (
            <p className="setup-note">
              <Bi t={{ zh: `${ROLE_LABELS[fields.role].zh}不属于某个窗口，无需填写窗口编号。`, en: `A ${ROLE_LABELS[fields.role].en.toLowerCase()} does not belong to a window.` }} />
            </p>
          ) : null}
        </section>

        <section className="setup-card">
          <h2>
            <Bi t={{ zh: '服务器与注册', en: 'Servers and enrollment' }} />
          </h2>
          <Field
            name="servers"
            label={{ zh: '服务器地址', en: 'Server addresses' }}
            hint={{ zh: `每行一个，最多 ${MAX_SERVERS} 个：先大厅，后中心`, en: `One a line, up to ${MAX_SERVERS}: hub first, then central` }}
            error={errorOf('servers')}
          >
            {(p) => <textarea {...p} rows={4} wrap="off" value={fields.servers} onChange={(e) => set('servers')(e.target.value)} onBlur={(e) => (e.currentTarget.scrollLeft = 0)} disabled={busy} placeholder={'http://hub.hall.local:8080\nhttps://central.example.gov.cn'} />}
          </Field>
          <Field name="enrollCode" label={{ zh: '一次性注册码', en: 'One-time code' }} hint={{ zh: '在管理端“终端”列表中生成', en: "From the admin's terminal list" }} error={errorOf('enrollCode')}>
            {(p) => <input {...p} type="text" value={fields.enrollCode} onChange={(e) => set('enrollCode')(e.target.value)} disabled={busy} />}
          </Field>
          {fields.role === 'counter' ? (
            <>
              <Field
                name="evaluatorId"
                label={{ zh: '副屏评价器终端编号（可选）', en: 'Evaluator on the second screen (optional)' }}
                hint={{ zh: '副屏朝向群众时填写，如 evaluator-1', en: 'If a second screen faces the citizen' }}
                error={errorOf('evaluatorId')}
              >
                {(p) => <input {...p} type="text" value={fields.evaluatorId} onChange={(e) => set('evaluatorId')(e.target.value)} disabled={busy} />}
              </Field>
              <Field name="evaluatorCode" label={{ zh: '评价器注册码', en: "Evaluator's one-time code" }} hint={{ zh: '管理端为该评价器生成的注册码', en: 'From the admin, for that evaluator' }} error={errorOf('evaluatorCode')}>
                {(p) => <input {...p} type="text" value={fields.evaluatorCode} onChange={(e) => set('evaluatorCode')(e.target.value)} disabled={busy} />}
              </Field>
            </>
          ) : null}
        </section>

        <section className="setup-card">
          <h2>
            <Bi t={{ zh: '管理密码（用于退出程序）', en: 'Admin password (to quit the app)' }} />
          </h2>
          <div className="setup-pair">
            <Field name="adminPassword" label={{ zh: '管理密码', en: 'Admin password' }} hint={{ zh: `至少 ${PASSWORD_MIN} 个字符`, en: `At least ${PASSWORD_MIN} characters` }} error={errorOf('adminPassword')}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={fields.adminPassword} onChange={(e) => set('adminPassword')(e.target.value)} disabled={busy} />}
            </Field>
            <Field name="adminPassword2" label={{ zh: '再次输入密码', en: 'Password again' }} hint={{ zh: '与上面一致', en: 'The same as above' }} error={errorOf('adminPassword2')}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={fields.adminPassword2} onChange={(e) => set('adminPassword2')(e.target.value)} disabled={busy} />}
            </Field>
          </div>
        </section>

        <div className="setup-actions setup-wide">
          <Outcome phase={phase} />
          <button type="submit" className="btn btn-primary" data-testid="save" disabled={busy}>
            <Bi t={phase.t === 'saving' ? { zh: '正在保存…', en: 'Saving…' } : { zh: '保存并启动', en: 'Save and start' }} />
          </button>
        </div>
      </form>
    </div>
  );
}

function Header({ info }: { info: Info }) {
  const { lang, toggle } = useLang();
  return (
    <header className="setup-header">
      <div className="setup-title">
        <Bi t={{ zh: 'hallq 终端设置', en: 'hallq terminal setup' }} />
      </div>
      <div className="setup-meta" data-testid="info">
        {info.t === 'ok' ? (
          <>
            <span>
              <Bi t={{ zh: `版本 ${info.info.version}`, en: `Version ${info.info.version}` }} only />
            </span>
            <span className="setup-path" title={info.info.configPath}>
              <Bi t={{ zh: `配置文件：${info.info.configPath}`, en: `Configuration: ${info.info.configPath}` }} only />
            </span>
          </>
        ) : info.t === 'failed' ? (
          <Bi t={{ zh: '无法读取本机信息', en: 'Could not read this terminal’s information' }} />
        ) : null}
      </div>
      <button type="button" className="lang-btn" data-testid="lang" onClick={toggle}>
        {lang === 'zh' ? 'English' : '中文'}
      </button>
    </header>
  );
}

function Outcome({ phase }: { phase: Phase }) {
  if (phase.t === 'refused') {
    return (
      <div className="setup-outcome refused" role="alert" data-testid="refusal">
        <Bi t={{ zh: `未保存：${phase.message.zh}`, en: `Not saved: ${phase.message.en}` }} />
      </div>
    );
  }
  if (phase.t === 'saved') {
    return (
      <div className="setup-outcome saved" role="status" data-testid="saved">
        <Bi t={{ zh: '已保存，正在打开本机的工作界面…', en: 'Saved. Opening this terminal’s screen…' }} />
      </div>
    );
  }
  return <div className="setup-outcome" />;
}

interface InputProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string;
  'data-testid': string;
  spellCheck: false;
  autoCapitalize: 'none';
}

function Field({ name, label, hint, error, children }: { name: SetupField; label: Bilingual; hint?: Bilingual; error: Bilingual | undefined; children: (p: InputProps) => ReactNode }) {
  const hintId = useId();
  const id = `setup-${name}`;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        <Bi t={label} />
      </label>
      {children({ id, name, 'aria-invalid': Boolean(error), 'aria-describedby': `${hintId} ${id}-error`, 'data-testid': `field-${name}`, spellCheck: false, autoCapitalize: 'none' })}
      {hint ? (
        <div className="field-hint" id={hintId}>
          <HintText t={hint} />
        </div>
      ) : null}
      <FieldError id={`${id}-error`} field={name} error={error} />
    </div>
  );
}

/** A hint on one line: the leading language, then the other. */
function HintText({ t }: { t: Bilingual }) {
  const lang = useLang((s) => s.lang);
  return (
    <>
      <span>{pick(t, lang)}</span>
      <span className="field-hint-alt">{pick(t, lang === 'zh' ? 'en' : 'zh')}</span>
    </>
  );
}

function FieldError({ id, field, error }: { id: string; field: SetupField; error: Bilingual | undefined }) {
  return (
    <div className="field-error" id={id} data-testid={`error-${field}`} role={error ? 'alert' : undefined}>
      {error ? <Bi t={error} /> : null}
    </div>
  );
}
