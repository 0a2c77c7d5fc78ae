import { describe, expect, it } from 'vitest';
import { PIN_ITERATIONS, hashPin, isPinHash, isTypablePin, isValidPin, pinHashIsCurrent, verifyPin } from '../../shared/identity/pin';

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

  it('a new PIN is 6 to 12 digits; a 4-digit PIN set before can still be typed at sign-in', () => {
    expect(isValidPin('123456')).toBe(true);
    expect(isValidPin('123456789012')).toBe(true);
    expect(isValidPin('1234')).toBe(false);
    expect(isValidPin('12345')).toBe(false);
    expect(isValidPin('12a456')).toBe(false);
    expect(isTypablePin('1234')).toBe(true);
    expect(isTypablePin('123')).toBe(false);
  });

  it('new hashes cost PIN_ITERATIONS; an older, cheaper hash still verifies and is known as one to upgrade', async () => {
    const old = await hashPin('1234', salt, 20_000);
    expect(await verifyPin('1234', old)).toBe(true);
    expect(pinHashIsCurrent(old)).toBe(false);
    expect(isPinHash(old)).toBe(true);
    const current = await hashPin('246810', salt);
    expect(current.startsWith(`pbkdf2-sha256$${PIN_ITERATIONS}$`)).toBe(true);
    expect(PIN_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(pinHashIsCurrent(current)).toBe(true);
    expect(await verifyPin('246810', current)).toBe(true);
  });

  it('WebCrypto and the JavaScript KDF give the same hash (a page without crypto.subtle still signs in)', async () => {
    const viaSubtle = await hashPin('246810', salt, 2_000);
    const subtle = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true });
    try {
      expect(await hashPin('246810', salt, 2_000)).toBe(viaSubtle);
    } finally {
      Object.defineProperty(globalThis, 'crypto', subtle);
    }
  });

  it('a hash with a cost too small to be real, or of an unknown KDF, never signs anyone in', async () => {
    const weak = await hashPin('246810', salt, 10);
    expect(await verifyPin('246810', weak)).toBe(false);
    expect(await verifyPin('246810', weak.replace('pbkdf2-sha256', 'pbkdf2-sha1'))).toBe(false);
  });
});
