/**
 * The hall's rules: name and hotline on screens (R20), alert thresholds for the leader on duty,
 * per-person limits (R12), priority grants (R7), no-show and appointment windows, timeouts.
 * A policy change replaces the whole policy, so the form starts from the current one.
 */
import { useState } from 'react';
import { CHANNELS, PolicySchema, type Channel, type Policy } from '../../../shared/config/schemas';
import type { Bilingual } from '../../../shared/config/text';
import { useHall, useTerminal } from '../../app/context';
import { Bi } from '../../i18n/Bi';
import { saveConfig } from './changes';
import { explainError, fieldErrors, type FieldErrors } from './explain';
import { Button, Check, Field, NumberInput, OutcomeNote, SAVED, Select, TextInput, numberOrText, type Outcome } from './Form';

const NUMBERS: Array<{ key: keyof Policy; label: Bilingual }> = [
  { key: 'longWaitMinutes', label: { zh: '等候超时提醒（分钟）', en: 'Long-wait alert (min)' } },
  { key: 'longPauseMinutes', label: { zh: '暂停超时提醒（分钟）', en: 'Long-pause alert (min)' } },
  { key: 'perPersonDailyLimit', label: { zh: '每人每日每项限取（张）', en: 'Tickets per person per service per day' } },
  { key: 'elderlyAge', label: { zh: '老年人优先年龄（岁）', en: 'Elderly priority from age' } },
  { key: 'noShowGraceSeconds', label: { zh: '叫号后多久才可过号（秒）', en: 'No-show allowed after the call (s)' } },
  { key: 'noShowGracePrioritySeconds', label: { zh: '优先群体：叫号后多久才可过号（秒）', en: 'Priority groups: no-show allowed after (s)' } },
  { key: 'skipGraceMinutes', label: { zh: '过号后可回补（分钟）', en: 'No-show may return within (min)' } },
  { key: 'maxRequeues', label: { zh: '最多回补次数', en: 'Most returns per ticket' } },
  { key: 'appointmentEarlyMinutes', label: { zh: '预约可提前到达（分钟）', en: 'Appointment: early by (min)' } },
  { key: 'appointmentLateMinutes', label: { zh: '预约迟到宽限（分钟）', en: 'Appointment: late by (min)' } },
  { key: 'numberDigits', label: { zh: '号码位数', en: 'Number digits' } },
  { key: 'kioskIdleSeconds', label: { zh: '取号机无操作返回首页（秒）', en: 'Kiosk idle reset (s)' } },
  { key: 'ratingTimeoutSeconds', label: { zh: '评价等待时间（秒）', en: 'Rating timeout (s)' } },
  { key: 'materialsRetentionDays', label: { zh: '收件图像在窗口保留（天，上传后；0 = 上传即删）', en: 'Keep captured images at the counter (days after upload; 0 = delete once uploaded)' } },
  { key: 'idCopiesServerRetentionDays', label: { zh: '身份证复印件在服务器保留（天）', en: 'Keep ID card copies on the server (days)' } },
  { key: 'materialsServerRetentionDays', label: { zh: '其他收件材料在服务器保留（天）', en: 'Keep other materials on the server (days)' } },
];

const CHANNEL_NAMES: Record<Channel, Bilingual> = {
  kiosk: { zh: '取号机自选', en: 'Kiosk' },
  idcard: { zh: '刷身份证', en: 'ID card' },
  appointment: { zh: '预约签到', en: 'Appointment' },
  assisted: { zh: '工作人员代取', en: 'Staff-assisted' },
};
const GRANTS: Array<{ key: 'green' | 'appointment' | 'special'; label: Bilingual }> = [
  { key: 'green', label: { zh: '绿色通道', en: 'Green channel' } },
  { key: 'appointment', label: { zh: '预约优先', en: 'Appointment' } },
  { key: 'special', label: { zh: '特殊群体优先', en: 'Special groups' } },
];

export function PolicyEditor() {
  const { terminal } = useTerminal();
  const { state } = useHall();
  const [p, setP] = useState<Policy>(() => structuredClone(state.config.policy));
  const [nums, setNums] = useState<Record<string, string>>(() => Object.fromEntries(NUMBERS.map((n) => [n.key, String(state.config.policy[n.key])])));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = async () => {
    const value: Record<string, unknown> = { ...p, hallName: { zh: p.hallName.zh.trim(), en: p.hallName.en.trim() }, hotline: p.hotline.trim() };
    // Booking contact (issue 17): a blank field is "not set", not an invalid number.
    for (const k of ['bookingPhone', 'bookingWeb'] as const) {
      const v = p[k]?.trim();
      value[k] = v ? v : undefined;
    }
    // A blank number is a question for the manager, not the schema's default.
    for (const n of NUMBERS) value[n.key] = (nums[n.key] ?? '').trim() === '' ? null : numberOrText(nums[n.key] ?? '');
    const checked = PolicySchema.safeParse(value);
    if (!checked.success) {
      setErrors(fieldErrors(checked.error));
      return setOutcome({ ok: false, message: explainError(checked.error) });
    }
    setErrors({});
    const r = await saveConfig(terminal.local, 'policy', 'hall', value);
    setOutcome(r.ok ? { ok: true, message: SAVED } : r);
  };
  return (
    <section className="editor" data-testid="policy">
      <header className="editor-head">
        <h2>
          <Bi t={{ zh: '大厅规则', en: 'Hall rules' }} />
        </h2>
      </header>
      <div className="form">
        <div className="form-grid">
          <Field label={{ zh: '大厅中文名称', en: 'Hall name (Chinese)' }} error={errors['hallName.zh']} at="hallName.zh">
            <TextInput name="hallNameZh" value={p.hallName.zh} onChange={(v) => setP((x) => ({ ...x, hallName: { ...x.hallName, zh: v } }))} />
          </Field>
          <Field label={{ zh: '大厅英文名称', en: 'Hall name (English)' }} error={errors['hallName.en']} at="hallName.en">
            <TextInput name="hallNameEn" value={p.hallName.en} onChange={(v) => setP((x) => ({ ...x, hallName: { ...x.hallName, en: v } }))} />
          </Field>
          <Field label={{ zh: '监督电话', en: 'Supervision hotline' }} error={errors.hotline} at="hotline">
            <TextInput name="hotline" value={p.hotline} onChange={(v) => setP((x) => ({ ...x, hotline: v }))} />
          </Field>
          <Field label={{ zh: '预约电话（取号机告知须预约的群众）', en: 'Booking phone (the kiosk tells walk-ins of appointment-only services)' }} error={errors.bookingPhone} at="bookingPhone">
            <TextInput name="bookingPhone" value={p.bookingPhone ?? ''} onChange={(v) => setP((x) => ({ ...x, bookingPhone: v }))} />
          </Field>
          <Field label={{ zh: '网上预约地址', en: 'Booking web address' }} error={errors.bookingWeb} at="bookingWeb">
            <TextInput name="bookingWeb" value={p.bookingWeb ?? ''} onChange={(v) => setP((x) => ({ ...x, bookingWeb: v }))} />
          </Field>
          {NUMBERS.map((n) => (
            <Field key={n.key} label={n.label} error={errors[n.key]} at={n.key}>
              <NumberInput name={n.key} value={nums[n.key] ?? ''} onChange={(v) => setNums((x) => ({ ...x, [n.key]: v }))} />
            </Field>
          ))}
          <Field label={{ zh: '过号回补后排队位置', en: 'A returned no-show queues' }}>
            <Select
              name="requeueMode"
              value={p.requeueMode}
              onChange={(v) => setP((x) => ({ ...x, requeueMode: v }))}
              options={[
                { value: 'tail', label: { zh: '排到队尾', en: 'at the end' } },
                { value: 'original', label: { zh: '按原取号时间', en: 'by its issue time' } },
              ]}
            />
          </Field>
          <div className="field">
            <Check name="transferKeepsIssueTime" checked={p.transferKeepsIssueTime} onChange={(v) => setP((x) => ({ ...x, transferKeepsIssueTime: v }))} label={{ zh: '转办保留原取号时间', en: 'A transfer keeps its issue time' }} />
          </div>
          <div className="field">
            <Check name="elderlyModeByCard" checked={p.elderlyModeByCard} onChange={(v) => setP((x) => ({ ...x, elderlyModeByCard: v }))} label={{ zh: '老年人刷身份证后取号机自动切换大字版', en: 'The kiosk turns to large text for an elderly ID card holder' }} />
          </div>
        </div>
        <h3>
          <Bi t={{ zh: '优先资格由谁认定（R7）', en: 'Who may grant priority (R7)' }} />
        </h3>
        <table className="table grants">
          <tbody>
            {GRANTS.map((g) => (
              <tr key={g.key} data-grant={g.key}>
                <th>
                  <Bi t={g.label} />
                </th>
                <td>
                  {CHANNELS.map((c) => (
                    <Check
                      key={c}
                      name={`grant-${g.key}-${c}`}
                      checked={p.priorityGrants[g.key].includes(c)}
                      onChange={(on) => setP((x) => ({ ...x, priorityGrants: { ...x.priorityGrants, [g.key]: on ? [...x.priorityGrants[g.key], c] : x.priorityGrants[g.key].filter((y) => y !== c) } }))}
                      label={CHANNEL_NAMES[c]}
                    />
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <OutcomeNote outcome={outcome} />
        <div className="form-actions">
          <Button kind="primary" name="save" onClick={() => void save()}>
            <Bi t={{ zh: '保存规则', en: 'Save rules' }} />
          </Button>
        </div>
      </div>
    </section>
  );
}
