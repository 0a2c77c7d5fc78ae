/**
 * The publisher's update signing key(s), pinned into the app when it is built:
 * scripts/build-electron.mjs replaces `__HALLQ_UPDATE_PUBLIC_KEYS__` with the value of
 * HALLQ_UPDATE_PUBLIC_KEYS at build time (base64 raw Ed25519 keys, comma-separated; README
 * "Signed updates"). Inside the signed app.asar (and, on Windows, under the asar integrity fuse)
 * it cannot be changed without breaking the app's own signature. A build without a key refuses
 * every update (fail closed): updates are never installed unsigned.
 */
declare const __HALLQ_UPDATE_PUBLIC_KEYS__: string | undefined;

/** The pinned key text, '' when this build has none (tests, `npm start` from source). */
export const PINNED_UPDATE_KEYS: string = typeof __HALLQ_UPDATE_PUBLIC_KEYS__ === 'string' ? __HALLQ_UPDATE_PUBLIC_KEYS__ : '';
