/**
 * After the decision: printing, the printed ticket (take it from the slot), and the e-ticket
 * when the printer failed (the QR shown big: keep a photo of it). The number is the biggest thing.
 */
import { Qr } from '../app/Qr';
import { useHall } from '../app/context';
import { Bi } from '../i18n/Bi';
import { waitKind, waitLine } from '../../shared/estimate/wait';
import { hhmm, minutes } from '../i18n/format';
import { useController } from './context';
import { PrinterIcon } from './Icons';
import { priorityNote, ticketWait, type IssuedTicket } from './issueFlow';
import { windowsText } from './services';
import { useKiosk } from './store';

export function Printing() {
  const ticket = useKiosk((s) => s.ticket);
  return (
    <section className="printing" data-testid="printing">
      <PrinterIcon size={140} />
      <h2 className="screen-title">
        <Bi t={{ zh: '正在打印号票，请稍候…', en: 'Printing your ticket…' }} />
      </h2>
      {ticket ? <div className="printing-number">{ticket.number}</div> : null}
    </section>
  );
}

function Facts({ t }: { t: IssuedTicket }) {
  const { state } = useHall();
  const windows = windowsText(t.windows);
  const kind = waitKind(ticketWait(t));
  const line = waitLine(ticketWait(t), state.config.schedule.timeZone, t.issuedAt);
  // Issue 17: with no open window, no minutes are promised (the same words as the printed ticket).
  const noWindow = t.ahead === 0 ? line : { zh: `前面还有 ${t.ahead} 人。${line.zh}`, en: `${t.ahead} ahead of you. ${line.en}` };
  const wait = kind === 'no-window' ? noWindow : t.ahead === 0 ? { zh: '前面没有人，请留意叫号', en: 'You are next: watch for your number' } : { zh: `前面还有 ${t.ahead} 人，预计等候约 ${minutes(t.waitMinutes * 60_000).zh}`, en: `${t.ahead} ahead of you, about ${minutes(t.waitMinutes * 60_000).en}` };
  const note = priorityNote(t);
  return (
    <div className="t-facts">
      <span className="t-wait-line" data-testid="ticket-wait" data-wait={kind}>
        <Bi className="t-wait" t={wait} />
      </span>
      {windows ? <Bi className="t-windows" t={{ zh: `叫号后请到${windows.zh}办理`, en: `When called, go to ${windows.en}` }} /> : null}
      {note ? <Bi className="t-priority" t={note} /> : null}
    </div>
  );
}

function IssuedAt({ t }: { t: IssuedTicket }) {
  const { state } = useHall();
  const at = hhmm(t.issuedAt, state.config.schedule.timeZone);
  return (
    <div className="t-time">
      <Bi t={{ zh: `取号时间 ${at}`, en: `Issued at ${at}` }} />
      {t.offline ? (
        <span className="t-offline" data-testid="offline-ticket">
          <Bi t={{ zh: '离线取号：网络中断时发放，号码有效', en: 'Issued offline while the network is down; the number is valid' }} />
        </span>
      ) : null}
    </div>
  );
}

export function Ticket() {
  const controller = useController();
  const t = useKiosk((s) => s.ticket);
  if (!t) return null;
  return (
    <section className="ticket-screen" data-testid="ticket">
      <h2 className="screen-title take-paper">
        <Bi t={{ zh: '取号成功，请取走打印的号票', en: 'Done. Please take your printed ticket' }} />
      </h2>
      <div className="ticket-card">
        <Bi className="t-service" t={t.service} />
        <div className="t-number" data-testid="ticket-number">
          {t.number}
        </div>
        <Facts t={t} />
        <IssuedAt t={t} />
        <div className="t-qr">
          <Qr text={t.qr} size={150} title="progress" />
          <Bi t={{ zh: '手机扫码，随时查看排队进度', en: 'Scan to follow your place in the queue' }} />
        </div>
      </div>
      <Bi className="board-hint" t={{ zh: '请留意大厅显示屏和窗口屏的叫号', en: 'Watch the hall display for your number' }} />
      <button type="button" className="primary huge" data-testid="done" onClick={() => controller.done()}>
        <Bi t={{ zh: '完成', en: 'Done' }} />
      </button>
    </section>
  );
}

export function ETicket() {
  const controller = useController();
  const t = useKiosk((s) => s.ticket);
  const printError = useKiosk((s) => s.printError);
  if (!t) return null;
  return (
    <section className="ticket-screen eticket-screen" data-testid="eticket-screen">
      <div className="print-failed" role="alert">
        <Bi t={{ zh: '打印机故障，未能打印纸质号票', en: 'The printer could not print your ticket' }} />
        {printError ? <Bi className="print-error" t={printError} /> : null}
      </div>
      <h2 className="screen-title">
        <Bi t={{ zh: '这是您的电子号票，请用手机拍照保存', en: 'This is your e-ticket. Please take a photo of it' }} />
      </h2>
      <div className="ticket-card eticket" data-testid="eticket">
        <Bi className="t-service" t={t.service} />
        <div className="t-number" data-testid="ticket-number">
          {t.number}
        </div>
        <div className="t-qr t-qr-big">
          <Qr text={t.qr} size={380} title="e-ticket" />
          <Bi t={{ zh: '也可用手机扫码保存，随时查看排队进度', en: 'Or scan it with your phone to keep it and follow the queue' }} />
        </div>
        <Facts t={t} />
        <IssuedAt t={t} />
      </div>
      <button type="button" className="primary huge" data-testid="done" onClick={() => controller.done()}>
        <Bi t={{ zh: '我已保存，完成', en: "I've saved it. Done" }} />
      </button>
    </section>
  );
}
