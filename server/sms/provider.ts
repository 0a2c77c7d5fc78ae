/**
 * Where SMS notices go. The default writes them to the server log (a hall without an SMS
 * gateway still sees what would have been sent); a webhook posts them to the hall's gateway.
 */
import { maskPhone } from './subscriptions';

export interface SmsMessage {
  /** Mainland mobile number, 11 digits. */
  to: string;
  text: string;
}

export interface SmsProvider {
  readonly name: string;
  /** Resolves when the gateway took the message; throws (to be retried) when it did not. */
  send(msg: SmsMessage): Promise<void>;
}

export interface SmsLogger {
  info(obj: object, msg?: string): void;
}

/** Writes each notice to the log, the phone masked as 138****1234 (R21). */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  constructor(private readonly log: SmsLogger) {}

  async send(msg: SmsMessage): Promise<void> {
    this.log.info({ sms: { to: maskPhone(msg.to), text: msg.text } }, 'sms (log provider): not sent to a gateway');
  }
}

export interface WebhookOptions {
  url: string;
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
}

/** POSTs `{ to, text }` as JSON; anything but a 2xx answer within the timeout is a failure. */
export class WebhookSmsProvider implements SmsProvider {
  readonly name = 'webhook';
  constructor(private readonly opts: WebhookOptions) {}

  async send(msg: SmsMessage): Promise<void> {
    const res = await fetch(this.opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}) },
      body: JSON.stringify({ to: msg.to, text: msg.text }),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
    });
    // Drain the body so the connection can be reused; its content is not needed.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`the SMS gateway answered ${res.status} ${res.statusText}`.trim());
  }
}
