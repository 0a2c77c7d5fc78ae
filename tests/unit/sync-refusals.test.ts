import { describe, expect, it } from 'vitest';
import { PERMANENT_DOOR_CODES } from '../../server/admission/door';
import { classify } from '../../renderer/sync/errors';
import { HttpError } from '../../renderer/sync/transport';

const refusal = (status: number, code: string) => new HttpError(status, code, `${code} refused`);

describe('what a terminal does with a refused push', () => {
  it.each(PERMANENT_DOOR_CODES.map((c) => [c]))('the door\'s "%s" is refused for good: the event is quarantined, the outbox moves on', (code) => {
    const status = code === 'out-of-scope' ? 403 : code.startsWith('unknown') || code.startsWith('clock') || code === 'implausible-day' || code === 'bad-date' ? 422 : 400;
    expect(classify(refusal(status, code))).toBe('refused');
  });

  it('a ticket whose issue has not reached the server yet is pushed again later, never quarantined', () => {
    expect(classify(refusal(409, 'ticket-not-yet-held'))).toBe('later');
  });

  it('a 5xx is the server away, not the event: retried, never quarantined', () => {
    expect(classify(refusal(500, 'server-error'))).toBe('unreachable');
  });
});
