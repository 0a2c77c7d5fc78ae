import { describe, expect, it } from 'vitest';
import { OverridesResponseSchema, describeOverride } from '../../renderer/admin/live/overrides';

const answer = {
  now: 1_800_000_000_000,
  overrides: [
    { origin: 'counter-3~1', terminal: 'counter-3', seq: 4, kind: 'call-won', ticketId: 'kiosk-1~1:9', number: 'A009', windowId: 'w2', replacedWindowId: 'w1', replacedEvent: 'counter-1~1:7', datedAt: 1_799_999_000_000, receivedAt: 1_799_999_900_000 },
    { origin: 'eval-1~1', terminal: 'eval-1', seq: 2, kind: 'rating-replaced', ticketId: 'kiosk-1~1:3', number: 'A003', windowId: 'w1', replacedWindowId: 'w1', replacedEvent: 'eval-1~1:1', replacedLevel: 5, level: 1, datedAt: 1, receivedAt: 2 },
  ],
  quietFaults: [{ terminal: 'kiosk-2', quiet: 48_990, visible: 10 }],
};

describe("the admin's list of offline overrides", () => {
  it("reads the server's answer and says in both languages which window took whose ticket, and which rating was replaced", () => {
    const parsed = OverridesResponseSchema.parse(answer);
    const label = (id: string) => id.replace('w', '');
    expect(describeOverride(parsed.overrides[0]!, label)).toEqual({ zh: '2 号窗口的呼叫早于 1 号窗口，取走了 A009', en: "Window 2's call, dated before window 1's, took A009" });
    expect(describeOverride(parsed.overrides[1]!, label).en).toBe("A003's rating replaced: 5 → 1 (dated earlier)");
    expect(describeOverride(parsed.overrides[1]!, label).zh).toContain('由 5 改为 1');
  });

  it('refuses an answer of another shape rather than showing half of it', () => {
    expect(OverridesResponseSchema.safeParse({ now: 1, overrides: [{ kind: 'call-won' }], quietFaults: [] }).success).toBe(false);
  });
});
