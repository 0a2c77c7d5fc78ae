/**
 * `npm run bench -- pin`: what a staff PIN hash costs (SECURITY.md, "Staff PINs and sign-in").
 * - signin_ms: one verifyPin at PIN_ITERATIONS through WebCrypto, as a counter checks a PIN
 *   offline (median of several).
 * - attacker_guesses_per_s: PBKDF2-SHA256 at the same cost in OpenSSL (node:crypto, native,
 *   synchronous: one CPU core), what someone holding a stolen hash gets per core.
 * - hours_all_6_digit / hours_all_4_digit: every PIN of that length tried on that one core.
 * - old_*: the same for the 20,000 iterations of hashes made before issue 15.
 */
import { pbkdf2Sync } from 'node:crypto';
import { PIN_ITERATIONS, hashPin, verifyPin } from '../../shared/identity/pin';

const RUNS = Number(process.env.PIN_RUNS ?? 7);
const OLD_ITERATIONS = 20_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function verifyMs(iterations: number): Promise<number> {
  const stored = await hashPin('246810', new Uint8Array(16).fill(9), iterations);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await verifyPin(String(100000 + i), stored);
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function guessesPerSecond(iterations: number): number {
  const salt = new Uint8Array(16).fill(9);
  const t = performance.now();
  let n = 0;
  // At least RUNS guesses and at least a second of work.
  while (n < RUNS || performance.now() - t < 1_000) pbkdf2Sync(String(100000 + n++), salt, iterations, 32, 'sha256');
  return n / ((performance.now() - t) / 1000);
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchPin(): Promise<Record<string, number>> {
  const signin = await verifyMs(PIN_ITERATIONS);
  const gps = guessesPerSecond(PIN_ITERATIONS);
  const oldSignin = await verifyMs(OLD_ITERATIONS);
  const oldGps = guessesPerSecond(OLD_ITERATIONS);
  console.log(`PBKDF2-SHA256 x ${PIN_ITERATIONS}: sign-in ${round(signin)} ms; one core guesses ${round(gps)}/s: 10^6 PINs in ${round(1e6 / gps / 3600)} h`);
  console.log(`before (x ${OLD_ITERATIONS}): sign-in ${round(oldSignin)} ms; one core guesses ${round(oldGps)}/s: 10^4 PINs in ${round(1e4 / oldGps)} s`);
  return {
    iterations: PIN_ITERATIONS,
    signin_ms: round(signin),
    attacker_guesses_per_s: round(gps),
    hours_all_6_digit: round(1e6 / gps / 3600),
    hours_all_4_digit: round(1e4 / gps / 3600, 2),
    old_iterations: OLD_ITERATIONS,
    old_signin_ms: round(oldSignin),
    old_guesses_per_s: round(oldGps),
    old_seconds_all_4_digit: round(1e4 / oldGps),
  };
}
