import { describe, expect, it } from 'vitest';
import { hashPin, isValidPin, verifyPin } from '../../shared/identity/pin';

const salt = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('staff PINs', () => {
  it('a clerk signs in with the right PIN and not with a wrong one', async () => {
    const stored = await hashPin('1234', salt, 1000);
    expect(stored).toMatch(/^pbkdf2-sha256\$1000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPin('1234', stored)).toBe(true);
    expect(await verifyPin('1235', stored)).toBe(false);
  });

  it('the stored form never contains the PIN, and salts make equal PINs differ', async () => {
    const a = await hashPin('1234', salt, 1000);
    const b = await hashPin('1234', Uint8Array.from({ length: 16 }, () => 7), 1000);
    expect(a).not.toContain('1234$');
    expect(a).not.toBe(b);
  });

  it('a missing or malformed hash never signs anyone in', async () => {
    expect(await verifyPin('1234', undefined)).toBe(false);
    expect(await verifyPin('1234', 'plain:1234')).toBe(false);
    expect(await verifyPin('1234', 'pbkdf2-sha256$1000$00$00')).toBe(false);
  });

  it('PINs are 4 to 8 digits', () => {
    expect(isValidPin('1234')).toBe(true);
    expect(isValidPin('12345678')).toBe(true);
    expect(isValidPin('123')).toBe(false);
    expect(isValidPin('12a4')).toBe(false);
  });
});
