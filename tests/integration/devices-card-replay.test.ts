/**
 * Every published card reader trace (tests/fixtures/devices/cardReader) replayed over a real
 * pseudo-terminal pair (socat): the terminal's wiring (superviseCardReader) opens one end as its
 * serial port, a trace player answers on the other, its answers written in pieces. A pty has
 * no real speed, so the family is configured (autoBaud off) rather than detected here; the
 * detection itself is replayed in tests/unit/devices-card-replay.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { superviseCardReader } from '../../electron/devices/cardReader';
import { openSerialLink } from '../../electron/devices/common/serialLink';
import { CardReaderSchema } from '../../electron/devices/config';
import { openPtyPair } from '../../electron/devices/sim/ptyPair';
import { DeviceEventSchema } from '../../shared/devices/contract';
import { expectUserSees, newSeen } from '../fixtures/devices/cardReader/expect';
import { TracePlayer, loadCardTraces } from '../fixtures/devices/cardReader/replay';

const KEY = 'hall-secret-key-0123456789abcdef';
const NOW = new Date('2025-06-15T04:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'hallq-card-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('card reader: every published trace over socat ptys', () => {
  for (const trace of loadCardTraces()) {
    it(`${trace.name}: ${trace.title}`, { timeout: 20_000 }, async () => {
      const sub = join(dir, trace.name);
      mkdirSync(sub, { recursive: true });
      const pair = await openPtyPair(sub);
      const peer = await openSerialLink({ path: pair.peer, baudRate: 115200 });
      const s = newSeen();
      const player = new TracePlayer(trace, (b) => peer.write(b), { split: true });
      s.players.push(player);
      peer.onData((chunk) => player.hear(chunk));
      const cfg = CardReaderSchema.parse({
        id: 'reader',
        family: trace.family,
        autoBaud: false,
        port: { path: pair.device },
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
        baseMs: 50,
        capMs: 100,
        timeouts: { samMs: 150, resetMs: 150, findMs: 150, readMs: 600 },
        now: () => NOW,
      });
      supervisor.start();
      try {
        await expectUserSees(trace, s, { checkBaud: false });
      } finally {
        await supervisor.stop();
        await peer.close().catch(() => {});
        await pair.kill();
      }
    });
  }
});
