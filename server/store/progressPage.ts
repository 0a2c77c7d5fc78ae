/**
 * The progress page's HTML: zh-CN first with English alongside (R14), big text for a phone,
 * no script and no external asset (one inline style, allowed by its hash in the CSP), refreshed
 * by the browser every 15 s. It shows what `progressView` allows and nothing else (R21).
 */
import { createHash } from 'node:crypto';
import type { ProgressView } from './progress';
import { hotlineText } from '../../shared/config/hotline';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f6f8;color:#111}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.2rem;margin:.2rem 0 1rem;color:#333}
.en{display:block;font-size:.8em;color:#555;font-weight:normal}
.card{background:#fff;border-radius:12px;padding:1rem 1.2rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.number{font-size:4rem;font-weight:800;letter-spacing:.05em;line-height:1.1}
.service{font-size:1.3rem}
.state{font-size:2rem;font-weight:700;margin:0 0 .4rem}
.big{font-size:1.5rem;margin:.3rem 0}
.big strong{font-size:2.4rem}
.called{background:#0b6e2e;color:#fff}.called .en{color:#e6ffe9}
.skipped{background:#8a4b00;color:#fff}.skipped .en{color:#fff3e0}
.closed{background:#e9ecef}
a{color:#0645ad}
label{display:block;font-size:1.2rem;margin:.5rem 0}
input{font-size:1.6rem;width:100%;padding:.5rem;border:2px solid #444;border-radius:8px}
button{font-size:1.4rem;width:100%;margin-top:.8rem;padding:.7rem;border:0;border-radius:8px;background:#0b5cad;color:#fff}
.error{color:#b00020;font-weight:700}
footer{font-size:.95rem;color:#444}
`;

/** The Content-Security-Policy of every progress response: no script, this style only. */
export const PROGRESS_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const both = (zh: string, en: string) => `${zh}<span class="en" lang="en">${en}</span>`;

function clock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
}
const hm = (ms: number, timeZone: string) => clock(ms, timeZone).slice(0, 5);

function page(title: string, body: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${refresh ? '<meta http-equiv="refresh" content="15">\n' : ''}<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
<footer class="card"><p>${both(hotlineText('12345').zh, hotlineText('12345').en)}</p></footer>
</main>
</body>
</html>
`;
}

function statusCard(v: ProgressView): string {
  const tz = v.timeZone;
  const win = v.window ? esc(v.window.label) : '';
  switch (v.status) {
    case 'waiting':
      return `<section class="card"><p class="state">${both('等候中', 'Waiting')}</p>
<p class="big">${both(`前面还有 <strong>${v.ahead}</strong> 人`, `${v.ahead} ${v.ahead === 1 ? 'person' : 'people'} ahead of you`)}</p>
<p class="big" data-wait="${v.waitKind ?? 'minutes'}">${v.wait ? both(esc(v.wait.zh), esc(v.wait.en)) : both(`预计等候约 <strong>${v.minutes}</strong> 分钟`, `About ${v.minutes} min`)}</p></section>`;
    case 'called':
      return `<section class="card called"><p class="state">${both(`请到 ${win} 号窗口`, `Please go to window ${win}`)}</p>
<p class="big">${both('已叫号，请尽快前往办理', 'Your number has been called')}</p></section>`;
    case 'serving':
      return `<section class="card called"><p class="state">${both(`正在 ${win} 号窗口办理`, `Being served at window ${win}`)}</p></section>`;
    case 'skipped': {
      const until = v.graceUntil !== undefined ? hm(v.graceUntil, tz) : '';
      const detail = v.canReturn
        ? both(`请在 ${until} 前到窗口说明，可重新排队`, `Ask at a window before ${until} to be put back in the queue`)
        : both('已超过等候时限，请重新取号', 'The grace period is over; please take a new ticket');
      return `<section class="card skipped"><p class="state">${both('已过号', 'Missed')}</p><p class="big">${detail}</p></section>`;
    }
    case 'finished':
      return `<section class="card closed"><p class="state">${both('已办结', 'Finished')}</p><p>${both('感谢您的评价', 'Thank you for rating our service')}</p></section>`;
    case 'cancelled':
      return `<section class="card closed"><p class="state">${both('已取消', 'Cancelled')}</p></section>`;
    case 'expired':
      return `<section class="card closed"><p class="state">${both('号码已失效', 'No longer valid')}</p><p>${both('这不是今天的号码，请重新取号', 'This ticket is not from today; please take a new one')}</p></section>`;
  }
}

export function progressPage(v: ProgressView, token: string): string {
  const num = esc(v.number);
  const service = v.service ? `<div class="service">${both(esc(v.service.zh), esc(v.service.en))}</div>` : '';
  const open = v.status === 'waiting' || v.status === 'called' || v.status === 'skipped';
  const sms = v.sms
    ? `<p>${both('已开启短信提醒', 'SMS reminder is on')}</p>`
    : open
      ? `<p><a href="/p/${esc(token)}/sms">${both('短信提醒：快到号和叫号时通知我', 'SMS reminder: tell me when my turn is near and when I am called')}</a></p>`
      : '';
  const body = `<h1>${both('排队进度', 'Queue progress')}</h1>
<section class="card"><div class="number">${num}</div>${service}</section>
${statusCard(v)}
${sms ? `<section class="card">${sms}</section>` : ''}
<p>${both(`更新于 ${clock(v.updatedAt, v.timeZone)}，每 ${v.refreshSeconds} 秒自动刷新`, `Updated at ${clock(v.updatedAt, v.timeZone)}; refreshes every ${v.refreshSeconds} s`)}</p>`;
  return page(`${num} 排队进度 · Queue progress`, body, true);
}

export function notFoundPage(): string {
  return page(
    '未找到 · Not found',
    `<h1>${both('排队进度', 'Queue progress')}</h1>
<section class="card closed"><p class="state">${both('未找到该号码', 'Ticket not found')}</p>
<p>${both('请核对二维码，或到咨询台询问', 'Check the QR code on your ticket, or ask at the information desk')}</p></section>`,
    false,
  );
}

/** 429: this address asked too often (rate limits, server/security/limits.ts). */
export function busyPage(retryAfterS: number): string {
  return page(
    '请稍后再试 · Try again later',
    `<h1>${both('排队进度', 'Queue progress')}</h1>
<section class="card closed"><p class="state">${both('查询过于频繁', 'Too many requests')}</p>
<p>${both(`请 ${retryAfterS} 秒后再试`, `Please try again in ${retryAfterS} s`)}</p></section>`,
    false,
  );
}

export function smsFormPage(token: string, number: string, error?: { zh: string; en: string }): string {
  return page(
    '短信提醒 · SMS reminder',
    `<h1>${both('短信提醒', 'SMS reminder')}</h1>
<section class="card"><div class="number">${esc(number)}</div>
<p>${both('快到号时和叫号时，我们会发短信告诉您（仅用于本次排队）', 'We text you when your turn is near and when you are called (used for this ticket only)')}</p>
${error ? `<p class="error">${both(esc(error.zh), esc(error.en))}</p>` : ''}
<form method="post" action="/p/${esc(token)}/sms">
<label for="phone">${both('手机号码', 'Mobile number')}</label>
<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="11" pattern="1[3-9][0-9]{9}" required>
<button type="submit">${both('开启提醒', 'Turn on')}</button>
</form>
<p><a href="/p/${esc(token)}">${both('返回排队进度', 'Back to queue progress')}</a></p></section>`,
    false,
  );
}
