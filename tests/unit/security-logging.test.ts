/** What the server's log may show of a request, and what no log line may carry (issue 15, finding 1). */
import { describe, expect, it } from 'vitest';
import { redactUrl, scrubLine } from '../../server/security/logging';
import { queryToken } from '../../server/security/tokenInUrl';

describe('the logged URL', () => {
  it('keeps the path and harmless query values, and redacts every other value', () => {
    expect(redactUrl('/api/sync/pull?after=10&limit=500')).toBe('/api/sync/pull?after=10&limit=500');
    expect(redactUrl('/api/sync/pull?after=10&token=hq_abc')).toBe('/api/sync/pull?after=10&token=[redacted]');
    expect(redactUrl('/kiosk/?terminal=kiosk-1&code=ABCDEFGHJK&devices=ws://127.0.0.1:9&dt=secret')).toBe(
      '/kiosk/?terminal=kiosk-1&code=[redacted]&devices=[redacted]&dt=[redacted]',
    );
    // A key nobody thought of yet is redacted too.
    expect(redactUrl('/x?newSecret=1')).toBe('/x?newSecret=[redacted]');
  });

  it("cuts the citizen's progress token from the page and API paths", () => {
    expect(redactUrl('/p/Zq3mW8pL2xV9tK4nR7sB1c')).toBe('/p/[redacted]');
    expect(redactUrl('/p/Zq3mW8pL2xV9tK4nR7sB1c/sms')).toBe('/p/[redacted]/sms');
    expect(redactUrl('/api/progress/Zq3mW8pL2xV9tK4nR7sB1c/sms')).toBe('/api/progress/[redacted]/sms');
    expect(redactUrl('/api/sync/push')).toBe('/api/sync/push');
  });
});

describe('the line scrubber', () => {
  it('replaces tokens, bearer headers and query secrets wherever they hide in a line', () => {
    const token = 'hq_' + 'A1b2C3d4'.repeat(5) + 'xyz';
    const line = JSON.stringify({ msg: `failed GET http://hub/api/sync/pull?token=${token}`, err: { message: `Bearer ${token}` }, url: '/kiosk/?code=ABCDEFGHJK' });
    const out = scrubLine(line);
    expect(out).not.toContain(token);
    expect(out).not.toContain('ABCDEFGHJK');
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('replaces 18-digit ID numbers and masks mobile numbers, leaving times and counts alone', () => {
    const out = scrubLine(JSON.stringify({ id: 'holder 11010119900307123X here', phone: '13812345678', time: 1796672149336, hlc: '0001796672149336-0001' }));
    expect(out).not.toContain('11010119900307123X');
    expect(out).toContain('[id-number]');
    expect(out).toContain('138****5678');
    expect(out).toContain('1796672149336');
    expect(out).toContain('0001796672149336-0001');
  });
});

describe('a token in a URL', () => {
  it('is found under token and access_token, and only there', () => {
    expect(queryToken('/api/sync/live?token=abc')).toBe('abc');
    expect(queryToken('/api/x?a=1&access_token=def')).toBe('def');
    expect(queryToken('/api/x?tokens=1')).toBeUndefined();
    expect(queryToken('/p/sometoken')).toBeUndefined();
  });
});
