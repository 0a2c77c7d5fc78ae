/**
 * What the clerk's buttons and keys do. Each action checks what the window holds, records its
 * event (the fold applies it at once; sync carries it when it can, so everything works offline)
 * and leaves a sentence in the message bar. One action at a time.
 */
import { useMemo } from 'react';
import type { Bilingual } from '../../shared/config/text';
import type { EventType, Outcome, PayloadInput } from '../../shared/events/payloads';
import type { TicketState } from '../../shared/fold/state';
import { checkManualCall } from '../../shared/queue/select';
import { checkNoShow } from '../../shared/queue/noShow';
import { pauseReasonText } from '../../shared/windows/pauseReasons';
import { useTerminal } from '../app/context';
import { NotAllowedError } from '../sync/local';
import { useCounter, type Dialog } from './store';
import { callLedText, heldTicket, manualCallMessage, windowLabel } from './windowView';
import { noShowTooEarly } from './noShow';

class Refusal extends Error {
  constructor(readonly text: Bilingual) {
    super(text.en);
  }
}

export type CounterActions = ReturnType<typeof useCounterActions>;

export function useCounterActions(windowId: string) {
  const { terminal, devices } = useTerminal();
  return useMemo(() => {
    const { local, coordinator } = terminal;
    const store = () => useCounter.getState();
    const staffId = () => store().session ?? undefined;
    const say = (kind: 'ok' | 'error' | 'info', text: Bilingual) => store().say(kind, text);

    /** Run one action at a time; anything it throws becomes a message, never a blank screen. */
    const run = async (fn: () => Promise<void>): Promise<void> => {
      if (store().busy) return;
      store().setBusy(true);
      try {
        await fn();
      } catch (e) {
        if (e instanceof Refusal) say('error', e.text);
        else if (e instanceof NotAllowedError) say('error', { zh: e.messageZh, en: e.message });
        else say('error', { zh: `操作失败：${String(e)}`, en: `That did not work: ${String(e)}` });
      } finally {
        store().setBusy(false);
      }
    };

    const author = <T extends EventType>(type: T, payload: PayloadInput<T>) => local.author(type, payload);

    const held = () => heldTicket(local.state, windowId);
    const win = () => local.state.windows.get(windowId);
    const mustHold = (): TicketState => {
      const t = held();
      if (!t) throw new Refusal({ zh: '本窗口当前没有正在呼叫或办理的号。', en: 'This window holds no ticket right now.' });
      return t;
    };
    const mustBeOpen = () => {
      const w = win();
      if (w?.state === 'paused') throw new Refusal({ zh: '窗口暂停服务中，请先恢复服务。', en: 'The window is paused. Resume service first.' });
      if (!w || w.state === 'closed') throw new Refusal({ zh: '窗口未开放，请先开启窗口。', en: 'The window is closed. Open it first.' });
    };
    const led = (text: string) => void devices.showOnLed(text).catch(() => undefined);

    const finishTicket = async (t: TicketState, outcome: Outcome, note?: string) => {
      await author('ticket.finished', { ticketId: t.id, windowId, outcome, ...(note ? { note } : {}) });
      // The evaluator pad lights up for the citizen who was just served (R8).
      void devices.evaluatorPrompt(true).catch(() => undefined);
    };

    /** The window still holds a ticket: a served one is finished; a called one needs the clerk's word. */
    const clearHeld = async (then: Extract<Dialog, { t: 'settle' }>['then']): Promise<boolean> => {
      const t = held();
      if (!t) return true;
      if (t.status === 'serving') {
        await finishTicket(t, 'done');
        return true;
      }
      store().open({ t: 'settle', then });
      return false;
    };

    const doCallNext = async () => {
      mustBeOpen();
      const r = await coordinator.callNext(windowId, staffId() ? { staffId: staffId()! } : {});
      if (r.ok) {
        say('ok', r.claim === 'local' ? { zh: `已呼叫 ${r.number}（离线叫号）`, en: `Called ${r.number} (offline)` } : { zh: `已呼叫 ${r.number}`, en: `Called ${r.number}` });
      } else {
        say(r.code === 'nobody-waiting' ? 'info' : 'error', r.message);
      }
    };

    const doManual = async (ticketId: string, number: string) => {
      mustBeOpen();
      await author('ticket.called', { ticketId, windowId, manual: true, claim: 'local', ...(staffId() ? { staffId: staffId()! } : {}) });
      say('ok', { zh: `已按号呼叫 ${number}`, en: `Called ${number} by number` });
    };

    return {
      callNext: () =>
        run(async () => {
          mustBeOpen();
          if (await clearHeld({ t: 'next' })) await doCallNext();
        }),

      /** The settle dialog's answer: the called citizen did not come, or was served. */
      settle: (how: 'skip' | 'done') =>
        run(async () => {
          const d = store().dialog;
          store().close();
          const t = held();
          if (t) {
            if (how === 'skip') {
              const check = checkNoShow(local.state.config.policy, t, local.now());
              if (!check.ok && check.reason === 'too-early') throw new Refusal(noShowTooEarly(t.number, check.remainingMs));
              await author('ticket.skipped', { ticketId: t.id, windowId });
            }
            else await finishTicket(t, 'done');
          }
          if (d?.t !== 'settle') return;
          if (d.then.t === 'next') await doCallNext();
          else await doManual(d.then.ticketId, d.then.number);
        }),

      manualCall: (typed: string) =>
        run(async () => {
          mustBeOpen();
          const number = typed.trim().toUpperCase();
          if (!number) throw new Refusal({ zh: '请输入要呼叫的号码，如 A012。', en: 'Type the number to call, e.g. A012.' });
          const check = checkManualCall(local.state, windowId, number, local.now());
          if (!check.ok) throw new Refusal(manualCallMessage(local.state, number, check));
          if (held()?.id === check.ticket.id) throw new Refusal({ zh: `${number} 正在本窗口。`, en: `${number} is already at this window.` });
          if (await clearHeld({ t: 'manual', ticketId: check.ticket.id, number: check.ticket.number })) await doManual(check.ticket.id, check.ticket.number);
        }),

      recall: () =>
        run(async () => {
          const t = mustHold();
          if (t.status !== 'called') throw new Refusal({ zh: `${t.number} 已在办理中，无需重呼。`, en: `${t.number} is already being served.` });
          await author('ticket.recalled', { ticketId: t.id, windowId });
          led(callLedText(t.number, windowLabel(local.state, windowId)));
          say('ok', { zh: `已重呼 ${t.number}`, en: `Called ${t.number} again` });
        }),

      skip: () =>
        run(async () => {
          const t = mustHold();
          if (t.status !== 'called') throw new Refusal({ zh: `${t.number} 已在办理中，不能过号。`, en: `${t.number} is being served; it cannot be marked missed.` });
          // Issue 17: only after the policy's grace from the call, and only once the clerk confirms.
          const check = checkNoShow(local.state.config.policy, t, local.now());
          if (!check.ok && check.reason === 'too-early') throw new Refusal(noShowTooEarly(t.number, check.remainingMs));
          store().open({ t: 'no-show' });
        }),

      /** The no-show dialog's answer: the called citizen did not come. */
      confirmSkip: () =>
        run(async () => {
          store().close();
          const t = mustHold();
          if (t.status !== 'called') throw new Refusal({ zh: `${t.number} 已在办理中，不能过号。`, en: `${t.number} is being served; it cannot be marked missed.` });
          const check = checkNoShow(local.state.config.policy, t, local.now());
          if (!check.ok && check.reason === 'too-early') throw new Refusal(noShowTooEarly(t.number, check.remainingMs));
          await author('ticket.skipped', { ticketId: t.id, windowId });
          say('ok', { zh: `${t.number} 已过号`, en: `${t.number} marked as missed` });
        }),

      start: () =>
        run(async () => {
          const t = mustHold();
          if (t.status !== 'called') return;
          await author('ticket.started', { ticketId: t.id, windowId });
          say('ok', { zh: `开始办理 ${t.number}`, en: `Serving ${t.number}` });
        }),

      finish: (outcome: Outcome, note?: string) =>
        run(async () => {
          const t = mustHold();
          store().close();
          await finishTicket(t, outcome, note);
          const how: Record<Outcome, Bilingual> = {
            done: { zh: '已办结', en: 'done' },
            'needs-material': { zh: '需补材料', en: 'needs more material' },
            'not-done': { zh: '未办成，已记入“办不成事”台账', en: "not done, entered in the \"can't get it done\" ledger" },
          };
          say('ok', { zh: `${t.number} ${how[outcome].zh}`, en: `${t.number}: ${how[outcome].en}` });
        }),

      transfer: (to: { toServiceId?: string; toWindowId?: string }) =>
        run(async () => {
          const t = mustHold();
          if (!to.toServiceId && !to.toWindowId) throw new Refusal({ zh: '请选择转往的事项或窗口。', en: 'Pick a service or a window to transfer to.' });
          store().close();
          await author('ticket.transferred', { ticketId: t.id, windowId, ...to });
          const svc = to.toServiceId ? local.state.config.services.get(to.toServiceId)?.name : undefined;
          const wl = to.toWindowId ? windowLabel(local.state, to.toWindowId) : undefined;
          say('ok', {
            zh: `${t.number} 已转${svc ? `至“${svc.zh}”` : ''}${wl ? `到 ${wl} 号窗口` : ''}`,
            en: `${t.number} transferred${svc ? ` to ${svc.en}` : ''}${wl ? ` to window ${wl}` : ''}`,
          });
        }),

      pause: (reason: string) =>
        run(async () => {
          const r = reason.trim();
          if (!r) throw new Refusal({ zh: '请填写暂停原因。', en: 'Give a reason for the pause.' });
          if (r.length > 80) throw new Refusal({ zh: '暂停原因最多 80 个字。', en: 'The reason can be at most 80 characters.' });
          store().close();
          await author('window.paused', { windowId, reason: r });
          const why = pauseReasonText(r) ?? { zh: r, en: r };
          say('info', { zh: `窗口已暂停服务（${why.zh}）`, en: `Window paused (${why.en})` });
        }),

      resume: () =>
        run(async () => {
          if (win()?.state !== 'paused') return;
          await author('window.resumed', { windowId });
          say('ok', { zh: '已恢复服务', en: 'Service resumed' });
        }),

      openWindow: () =>
        run(async () => {
          await author('window.opened', { windowId, ...(staffId() ? { staffId: staffId()! } : {}) });
          say('ok', { zh: '窗口已开放', en: 'Window open' });
        }),

      closeWindow: () =>
        run(async () => {
          const t = held();
          if (t) throw new Refusal({ zh: `请先办结或过号 ${t.number}，再关闭窗口。`, en: `Finish or skip ${t.number} before closing the window.` });
          await author('window.closed', { windowId });
          say('info', { zh: '窗口已关闭', en: 'Window closed' });
        }),

      signIn: (staff: string) =>
        run(async () => {
          await author('staff.signedIn', { windowId, staffId: staff });
          store().setSession(staff);
          const name = local.state.config.staff.get(staff)?.name ?? staff;
          say('ok', { zh: `${name} 已签到，窗口开放`, en: `${name} signed in; the window is open` });
        }),

      signOut: () =>
        run(async () => {
          const t = held();
          if (t) throw new Refusal({ zh: `请先办结或过号 ${t.number}，再签退。`, en: `Finish or skip ${t.number} before signing out.` });
          const me = staffId();
          if (me && win()?.staffId === me) await author('staff.signedOut', { windowId, staffId: me });
          store().setSession(null);
          say('info', { zh: '已签退，窗口关闭', en: 'Signed out; the window is closed' });
        }),

      /** R13: a ticket on a citizen's behalf (assisted channel), optionally green channel (R7). */
      assist: (serviceId: string, green: boolean) =>
        run(async () => {
          const r = await coordinator.issueTicket({ serviceId, channel: 'assisted', green, ...(staffId() ? { staffId: staffId()! } : {}) });
          if (!r.ok) throw new Refusal(r.message);
          store().close();
          say('ok', {
            zh: `已代取号 ${r.ticket.number}${green ? '（绿色通道）' : ''}${r.offline ? '（离线号）' : ''}`,
            en: `Issued ${r.ticket.number}${green ? ' (green channel)' : ''}${r.offline ? ' (offline number)' : ''}`,
          });
        }),
    };
  }, [terminal, devices, windowId]);
}
