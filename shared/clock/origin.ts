/**
 * Who wrote an event. A terminal's origin is its id plus an epoch: a terminal that lost its
 * local database starts a new epoch, so `origin:seq` is never reused for different events.
 */
export const TERMINAL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const ORIGIN_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}~[1-9]\d{0,8}$/;

export function makeOrigin(terminalId: string, epoch: number): string {
  if (!TERMINAL_ID_PATTERN.test(terminalId)) throw new Error(`bad terminal id: ${JSON.stringify(terminalId)}`);
  if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`bad epoch: ${epoch}`);
  return `${terminalId}~${epoch}`;
}

export function parseOrigin(origin: string): { terminalId: string; epoch: number } {
  if (!ORIGIN_PATTERN.test(origin)) throw new Error(`bad origin: ${JSON.stringify(origin)}`);
  const i = origin.indexOf('~');
  return { terminalId: origin.slice(0, i), epoch: Number(origin.slice(i + 1)) };
}

/** Stable id of an event: `origin:seq`. */
export function eventId(e: { origin: string; seq: number }): string {
  return `${e.origin}:${e.seq}`;
}
