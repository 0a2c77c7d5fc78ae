/**
 * Every published card reader trace (tests/fixtures/devices/cardReader, sources in its README)
 * replayed to the real driver, wired as the terminal wires it (superviseCardReader), over an
 * in-memory link: what the screens, the identity check and the health row get. The same
 * traces over socat ptys: tests/integration/devices-card-replay.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { superviseCardReader } from '../../electron/devices/cardReader';
import type { DeviceError } from '../../electron/devices/common/errors';
import type { FullCardData } from '../../electron/devices/cardReader/parse';
import { wltImageSize } from '../../electron/devices/cardReader/parse';
import { CardReaderSchema } from '../../electron/devices/config';
import { DeviceEventSchema, type DeviceEvent, type DeviceHealth } from '../../shared/devices/contract';
import type { CardRead } from '../../shared/identity';
import { COMMANDS, TRACE_BAUD, loadCardTraces, playerLink, type CardTrace, type TracePlayer } from '../fixtures/devices/cardReader/replay';

const KEY = 'hall-secret-key-0123456789abcdef';
const NOW = new Date('2025-06-15T04:00:00Z');
const TRACES = loadCardTraces();

interface Seen {
  events: DeviceEvent[];
  identities: Array<{ full: FullCardData; card: CardRead }>;
  health: DeviceHealth[];
  cardErrors: DeviceError[];
  logs: string[];
  players: TracePlayer[];
  bauds: number[];
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function until(what: string, cond: () => boolean, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The trace's reader behind the terminal's wiring; the config names the family only. */
function play(trace: CardTrace): Seen {
  const s: Seen = { events: [], identities: [], health: [], cardErrors: [], logs: [], players: [], bauds: [] };
  const cfg = CardReaderSchema.parse({
    id: 'reader',
    port: { path: '/dev/ttyUSB-trace' },
    pollMs: 200,
    withFingerprint: trace.options?.withFingerprint ?? false,
  });
  const { supervisor } = superviseCardReader(cfg, {
    hallKey: KEY,
    toScreens: (e) => s.events.push(DeviceEventSchema.parse(e)),
    onIdentity: (full, card) => s.identities.push({ full, card }),
    onCardError: (e) => s.cardErrors.push(e),
    onHealth: (h) => s.health.push(h),
    log: (level, m) => s.logs.push(`${level} ${m}`),
    heartbeatMs: 60_000,
    baseMs: 20,
    capMs: 40,
    timeouts: { samMs: 80, resetMs: 80, findMs: 80, readMs: 250 },
    // A fixed "now": the specimen cards' validity must not depend on the day the test runs.
    now: () => NOW,
    open: async (baudRate) => {
      s.bauds.push(baudRate);
      const { link, player } = playerLink(trace, baudRate, { split: true });
      s.players.push(player);
      return link;
    },
  });
  supervisor.start();
  stops.push(() => supervisor.stop());
  return s;
}

const last = (s: Seen) => s.players.at(-1)!;
const state = (s: Seen) => s.health.at(-1)?.state;

describe('card reader: every published trace through the real driver (fake link)', () => {
  it('the fixtures hold a trace for every reply the SAM protocol defines', () => {
    const commands = new Set(TRACES.flatMap((t) => t.exchanges.map((e) => e.command.split(' ').slice(7, 9).join(' '))));
    for (const c of ['10 ff', '11 ff', '12 ff', '20 01', '20 02', '30 01', '30 10', '30 03']) expect(commands).toContain(c);
    expect(TRACES.length).toBeGreaterThanOrEqual(20);
    for (const t of TRACES) expect(t.sources.length, t.name).toBeGreaterThan(0);
  });

  for (const trace of TRACES) {
    it(`${trace.name}: ${trace.title}`, async () => {
      const s = play(trace);
      const x = trace.expect;
      if (x.kind === 'card') {
        await until('a card read', () => s.identities.length === 1, 8000);
        const { full, card } = s.identities[0]!;
        // The counter's identity check gets every field the card holds ...
        expect({ ...full }).toMatchObject(x.full!);
        if (x.nation) expect(full.nation?.zh).toBe(x.nation);
        if (x.fingerprintBytes !== undefined) expect(full.fingerprint?.length).toBe(x.fingerprintBytes);
        if (!('newAddress' in x.full!)) expect(full.newAddress).toBeUndefined();
        // ... the photo checked: 1024 bytes of WLT declaring the standard's 102 x 126 image.
        expect(full.photoWlt.length).toBe(1024);
        expect(wltImageSize(full.photoWlt)).toEqual({ width: 102, height: 126 });
        // The screens get the masked record only.
        const shown = s.events.filter((e) => e.type === 'card');
        expect(shown).toEqual([{ type: 'card', card }]);
        expect(card.cardType).toBe(x.full!.cardType);
        expect(JSON.stringify(shown)).not.toContain(String(x.full!.idNumber));
        expect(JSON.stringify(shown)).not.toContain(String(x.full!.name));
        expect(s.cardErrors.map((e) => e.code)).toEqual(x.cardErrors ?? []);
        expect(s.health.filter((h) => h.state === 'fault')).toEqual([]);
        if (x.discarded) expect(s.logs.join('\n')).toContain(`bytes discarded (${x.discarded})`);
        if (x.baudRate) {
          expect(s.bauds[0]).toBe(115200); // the default family's speed first ...
          expect(s.bauds.at(-1)).toBe(x.baudRate); // ... then the one the reader answers at
          expect(s.logs.join('\n')).toContain(`the reader answers at ${x.baudRate} baud`);
        }
      } else if (x.kind === 'nothing') {
        await until('polls', () => (last(s)?.heard(COMMANDS.findCard) ?? 0) >= 3);
        expect(s.identities).toEqual([]);
        expect(s.events.filter((e) => e.type === 'card')).toEqual([]);
        expect(s.cardErrors).toEqual([]);
        expect(state(s)).toBe('ok');
      } else if (x.kind === 'card-error') {
        await until('a card error', () => s.cardErrors.length > 0);
        expect(s.cardErrors[0]!.code).toBe(x.code);
        if (x.zh) expect(s.cardErrors[0]!.text.zh).toContain(x.zh);
        expect(s.identities).toEqual([]);
        expect(s.events.filter((e) => e.type === 'card')).toEqual([]);
        expect(s.health.filter((h) => h.state === 'fault')).toEqual([]);
      } else {
        await until('a fault', () => state(s) === 'fault', 8000);
        expect(s.health.at(-1)).toMatchObject({ id: 'reader', kind: 'card-reader', state: 'fault', code: x.code });
        if (x.zh) expect(s.health.at(-1)!.message.zh).toContain(x.zh);
        expect(s.identities).toEqual([]);
      }
      // Damaged or not, nothing personal is said in a log line or a health row (R21).
      const said = [...s.logs, ...s.health.map((h) => JSON.stringify(h)), ...s.cardErrors.map((e) => `${e.message} ${e.text.zh} ${e.raw}`)].join('\n');
      for (const v of [x.full?.idNumber, x.full?.name, x.full?.address]) if (typeof v === 'string') expect(said).not.toContain(v);
      expect(TRACE_BAUD[trace.family]).toBeGreaterThan(0);
    });
  }

  it('a read answer (30 01) is asked for once per card, however long it stays', async () => {
    const s = play(TRACES.find((t) => t.name === 'resident-read')!);
    await until('a card read', () => s.identities.length === 1);
    await until('more polls', () => last(s).heard(COMMANDS.findCard) >= 4);
    expect(last(s).heard(COMMANDS.readText)).toBe(1);
  });
});
