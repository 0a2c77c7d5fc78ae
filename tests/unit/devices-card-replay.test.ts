/**
 * Every published card reader trace (tests/fixtures/devices/cardReader, sources in its README)
 * replayed to the real driver, wired as the terminal wires it (superviseCardReader), over an
 * in-memory link: what the screens, the identity check and the health row get. The same
 * traces over socat ptys: tests/integration/devices-card-replay.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { superviseCardReader } from '../../electron/devices/cardReader';
import { CardReaderSchema } from '../../electron/devices/config';
import { DeviceEventSchema } from '../../shared/devices/contract';
import { expectUserSees, newSeen, until, type Seen } from '../fixtures/devices/cardReader/expect';
import { COMMANDS, loadCardTraces, playerLink, type CardTrace } from '../fixtures/devices/cardReader/replay';

const KEY = 'hall-secret-key-0123456789abcdef';
const NOW = new Date('2025-06-15T04:00:00Z');
const TRACES = loadCardTraces();

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** The trace's reader behind the terminal's wiring; devices.json names no family (the default). */
function play(trace: CardTrace): Seen {
  const s = newSeen();
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

describe('card reader: every published trace through the real driver (fake link)', () => {
  it('the fixtures hold a trace for every reply the SAM protocol defines, each with its sources', () => {
    const commands = new Set(TRACES.flatMap((t) => t.exchanges.map((e) => e.command.split(' ').slice(7, 9).join(' '))));
    for (const c of ['10 ff', '11 ff', '12 ff', '20 01', '20 02', '30 01', '30 10', '30 03']) expect(commands).toContain(c);
    expect(TRACES.length).toBeGreaterThanOrEqual(20);
    for (const t of TRACES) expect(t.sources.length, t.name).toBeGreaterThan(0);
  });

  for (const trace of TRACES) {
    it(`${trace.name}: ${trace.title}`, async () => {
      await expectUserSees(trace, play(trace));
    });
  }

  it('a read answer (30 01) is asked for once per card, however long it stays', async () => {
    const s = play(TRACES.find((t) => t.name === 'resident-read')!);
    await until('a card read', () => s.identities.length === 1);
    await until('more polls', () => s.players.at(-1)!.heard(COMMANDS.findCard) >= 4);
    expect(s.players.at(-1)!.heard(COMMANDS.readText)).toBe(1);
  });

  it('autoBaud off: a 9600 reader configured as sam-v is never found; configured as sam-v-9600 it is read at once', async () => {
    const trace = TRACES.find((t) => t.name === 'family-9600')!;
    const run = (family: 'sam-v' | 'sam-v-9600') => {
      const s = newSeen();
      const cfg = CardReaderSchema.parse({ id: 'reader', family, autoBaud: false, port: { path: '/dev/ttyUSB-trace' }, pollMs: 200 });
      const { supervisor } = superviseCardReader(cfg, {
        hallKey: KEY,
        toScreens: (e) => s.events.push(e),
        onIdentity: (full, card) => s.identities.push({ full, card }),
        onHealth: (h) => s.health.push(h),
        baseMs: 20,
        capMs: 40,
        timeouts: { samMs: 60, resetMs: 60, findMs: 60, readMs: 250 },
        now: () => NOW,
        open: async (baudRate) => {
          s.bauds.push(baudRate);
          return playerLink(trace, baudRate).link;
        },
      });
      supervisor.start();
      stops.push(() => supervisor.stop());
      return s;
    };
    const wrong = run('sam-v');
    const right = run('sam-v-9600');
    await until('the 9600 family read', () => right.identities.length === 1);
    expect(right.bauds).toEqual([9600]);
    await until('several attempts', () => wrong.bauds.length >= 3);
    expect(new Set(wrong.bauds)).toEqual(new Set([115200]));
    expect(wrong.health.at(-1)).toMatchObject({ state: 'missing', code: 'timeout' });
  });
});
