/**
 * The unguessable token behind a ticket's progress-page QR (`/p/<token>`): made on the kiosk so
 * a ticket issued offline has one too. 16 random bytes = 128 bits, base64url: 22 characters.
 */
export function progressToken(fill: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(16);
  fill(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
