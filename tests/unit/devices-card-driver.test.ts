/**
 * The card reader driver against the simulator over an in-memory link (fast, exact); the same
 * pair over real ptys is in tests/integration/devices-card.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError, toHex } from '../../electron/devices/common/errors';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import { CardReaderDriver, checkShape, type CardReaderDriverOptions } from '../../electron/devices/cardReader/driver';
import { encodeResponse, toResponse } from '../../electron/devices/cardReader/frames';
import type { FullCardData } from '../../electron/devices/cardReader/parse';
import { CardReaderSim, SAMPLE_CARDS, type CardReaderSimOptions, type SimCard } from '../../electron/devices/sim/cardReaderSim';
import { checkDigit, type CardRead } from '../../shared/identity';

const KEY = 'hall-secret-key-0123456789abcdef';

/** Two ends of an in-memory cable; bytes arrive on the next tick. */
function memoryPair(): { a: ByteLink; b: ByteLink; unplug(): void } {
  const ea = new LinkEvents();
  const eb = new LinkEvents();
  const end = (mine: LinkEvents, other: LinkEvents, name: string): ByteLink => ({
    description: `memory ${name}`,
    write: async (bytes) => {
      if (mine.isClosed) throw new DeviceError('transport', 'closed', { zh: '已断开', en: 'closed' });
      const copy = bytes.slice();
      setImmediate(() => other.emitData(copy));
    },
    onData: (l) => mine.onData(l),
    onClose: (l) => mine.onClose(l),
    close: async () => {
      mine.emitClose();
      other.emitClose();
    },
  });
  return { a: end(ea, eb, 'driver'), b: end(eb, ea, 'sim'), unplug: () => (ea.emitClose(new Error('unplugged')), eb.emitClose()) };
}

interface Rig {
  driver: CardReaderDriver;
  sim: CardReaderSim;
  link: ByteLink;
  cards: Array<{ card: CardRead; full: FullCardData }>;
  removed: number;
  faults: DeviceError[];
  recovered: number;
  cardErrors: DeviceError[];
  logs: string[];
}

let rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs) r.driver.detach();
  rigs = [];
});

function rig(opts: Partial<CardReaderDriverOptions> = {}, simOpts: CardReaderSimOptions = {}): Rig {
  const pair = memoryPair();
  const sim = new CardReaderSim(simOpts);
  sim.use(pair.b);
  const r: Rig = { sim, link: pair.a, cards: [], removed: 0, faults: [], recovered: 0, cardErrors: [], logs: [], driver: undefined as never };
  r.driver = new CardReaderDriver({
    hallKey: KEY,
    pollMs: 15,
    timeouts: { samMs: 100, resetMs: 100, findMs: 100, readMs: 300 },
    onCard: (card, full) => r.cards.push({ card, full }),
    onRemoved: () => (r.removed += 1),
    onFault: (e) => r.faults.push(e),
    onRecover: () => (r.recovered += 1),
    onCardError: (e) => r.cardErrors.push(e),
    log: (level, m) => r.logs.push(`${level} ${m}`),
    now: () => new Date('2025-06-15T04:00:00Z'),
    ...opts,
  });
  rigs.push(r);
  return r;
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('card reader driver', () => {
  it('attach resets the SAM, asks its status, reads its id; then polls, reads a card once, reports removal, reads the next', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    expect(r.sim.commands.slice(0, 3)).toEqual(['resetSam', 'samStatus', 'readSamId']);
    expect(r.driver.samId).toMatch(/^[0-9a-f]{32}$/);
    await until('polls', () => r.sim.commands.filter((c) => c === 'findCard').length >= 2);
    expect(r.cards).toHaveLength(0);

    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('a card', () => r.cards.length === 1);
    expect(r.cards[0]!.card).toMatchObject({ cardType: 'resident', nameMasked: '王**', birthDate: '1990-03-07', sex: 'male' });
    expect(r.cards[0]!.full.name).toBe('王小明');
    // A resident card: its new-address page is asked for too (this card has none: SW 91).
    expect(r.sim.commands.slice(-4)).toEqual(['findCard', 'selectCard', 'readText', 'readAppendedAddress']);
    expect(r.cards[0]!.full.newAddress).toBeUndefined();

    // The card stays in the field: found again, never read or reported again.
    const finds = r.sim.commands.length;
    await until('more polls', () => r.sim.commands.length >= finds + 4);
    expect(r.cards).toHaveLength(1);
    expect(r.sim.commands.slice(finds)).not.toContain('readText');

    r.sim.removeCard();
    await until('removal', () => r.removed === 1);
    r.sim.placeCard(SAMPLE_CARDS.foreigner2023);
    await until('the next card', () => r.cards.length === 2);
    expect(r.cards[1]!.card.cardType).toBe('foreigner-2023');
    expect(r.faults).toEqual([]);
    expect(r.cardErrors).toEqual([]);
  });

  it('reads the fingerprint variant when configured', async () => {
    const r = rig({ withFingerprint: true });
    r.sim.placeCard(SAMPLE_CARDS.hmt);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.sim.commands).toContain('readTextFingerprint');
    expect(r.cards[0]!.full.fingerprint?.length).toBe(1024);
    expect(r.cards[0]!.card.cardType).toBe('hmt-permit');
  });

  it('R21: the full number and name never reach a log line, a fault or a card error, even through garbage, a bad checksum on the read answer and a refused card', async () => {
    const r = rig({}, { split: true });
    const refusedCard: SimCard = { ...SAMPLE_CARDS.residentLongTerm, idNumber: wrongCheck(SAMPLE_CARDS.residentLongTerm.idNumber) };
    await r.driver.attach(r.link);
    r.sim.garbageBeforeNext(Uint8Array.from([0x01, 0x02, 0x03]));
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('a card', () => r.cards.length === 1, 5000);
    r.sim.removeCard();
    await until('removal', () => r.removed === 1);
    // Now a read answer corrupted on the wire: dropped, the read fails at once, and is retried.
    const reads = r.sim.commands.filter((c) => c === 'readText').length;
    r.sim.corruptNext(1, 'readText');
    r.sim.placeCard(SAMPLE_CARDS.foreignerOld);
    await until('second read (after a corrupted one)', () => r.cards.length === 2, 5000);
    expect(r.sim.commands.filter((c) => c === 'readText').length).toBeGreaterThanOrEqual(reads + 2);
    r.sim.removeCard();
    await until('removal', () => r.removed === 2);
    r.sim.placeCard(refusedCard);
    await until('a refusal', () => r.cardErrors.length === 1);
    expect(r.cardErrors[0]).toMatchObject({ kind: 'protocol', code: 'id-check-digit' });
    expect(r.cardErrors[0]!.text.zh).toMatch(/校验位/);

    const said = [
      ...r.logs,
      ...r.faults.flatMap((e) => [e.message, e.raw ?? '', JSON.stringify(e.text)]),
      ...r.cardErrors.flatMap((e) => [e.message, e.raw ?? '', JSON.stringify(e.text)]),
      ...r.cards.map((c) => JSON.stringify(c.card)),
      ...r.cards.map((c) => JSON.stringify(c.full)),
    ].join('\n');
    expect(said).toMatch(/bytes discarded \(no preamble\): 0[123]/);
    expect(said).toContain('bytes discarded (bad checksum) around a card read; content withheld');
    for (const c of [SAMPLE_CARDS.resident, SAMPLE_CARDS.foreignerOld, refusedCard]) {
      for (const s of secrets(c)) expect(said).not.toContain(s);
    }
  });

  it('a refused card is not read again until it leaves the field', async () => {
    const r = rig();
    r.sim.placeCard({ ...SAMPLE_CARDS.resident, idNumber: wrongCheck(SAMPLE_CARDS.resident.idNumber) });
    await r.driver.attach(r.link);
    await until('a refusal', () => r.cardErrors.length === 1);
    await sleep(100);
    expect(r.cardErrors).toHaveLength(1);
    expect(r.sim.commands.filter((c) => c === 'readText')).toHaveLength(1);
    r.sim.removeCard();
    await until('removal', () => r.removed === 1);
    expect(r.faults).toEqual([]);
  });

  it('a card that fails to read (SW 41) is a card error, not a reader fault, and is read on the next poll', async () => {
    const r = rig();
    r.sim.failNextRead(0x41);
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.cardErrors).toHaveLength(1);
    expect(r.cardErrors[0]).toMatchObject({ kind: 'status', code: 'sw-41', raw: 'aa aa aa 96 69 00 04 00 00 41 45' });
    expect(r.faults).toEqual([]);
  });

  it('a SAM fault status is a reader fault with raw hex; the heartbeat neither passes nor drops the link while it lasts; recovery is reported', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    r.sim.setSamFault(0x60);
    await until('a fault', () => r.faults.length === 1);
    expect(r.faults[0]).toMatchObject({ kind: 'status', code: 'sw-60', raw: 'aa aa aa 96 69 00 04 00 00 60 64' });
    expect(r.faults[0]!.text.zh).toMatch(/自检失败/);
    let beat: 'pending' | 'ok' | 'failed' = 'pending';
    r.driver.heartbeat().then(
      () => (beat = 'ok'),
      () => (beat = 'failed'),
    );
    await sleep(100);
    expect(beat).toBe('pending');
    expect(r.faults).toHaveLength(1); // not repeated on every poll
    // While faulted the driver keeps resetting the SAM instead of looking for cards.
    const since = r.sim.commands.length;
    await sleep(80);
    expect(new Set(r.sim.commands.slice(since))).toEqual(new Set(['resetSam', 'samStatus']));
    r.sim.setSamFault(undefined);
    await until('recovery', () => r.recovered === 1);
    await until('heartbeat', () => beat === 'ok');
    r.sim.placeCard(SAMPLE_CARDS.residentLongTerm);
    await until('a card', () => r.cards.length === 1);
    expect(r.cards[0]!.card.validTo).toBe('长期');
  });

  it('a SAM that answers a fault status at attach: attach completes (the link works), the fault is reported right after', async () => {
    const r = rig();
    r.sim.setSamFault(0x66);
    await r.driver.attach(r.link);
    expect(r.faults).toEqual([]);
    await until('the fault', () => r.faults.length === 1);
    expect(r.faults[0]).toMatchObject({ kind: 'status', code: 'sw-66' });
    expect(r.faults[0]!.text.en).toMatch(/not authorized/);
    r.sim.setSamFault(undefined);
    await until('recovery', () => r.recovered === 1);
  });

  it('a reader that does not answer: attach fails with a timeout; one lost answer is noise, several are a fault', async () => {
    const silent = rig();
    silent.sim.silenceNext(1);
    await expect(silent.driver.attach(silent.link)).rejects.toMatchObject({ kind: 'timeout' });

    const r = rig();
    await r.driver.attach(r.link);
    r.sim.silenceNext(1);
    await sleep(250);
    expect(r.faults).toEqual([]);
    r.sim.silenceNext(3);
    await until('a fault', () => r.faults.length === 1, 2000);
    expect(r.faults[0]!.kind).toBe('timeout');
    await until('recovery', () => r.recovered === 1, 2000);
  });

  it('the reader saying our command arrived damaged (SW 10 checksum error) is line noise, not a fault', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    r.sim.answerNext(0x10);
    await until('a few more polls', () => r.sim.commands.length > 8);
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('a card', () => r.cards.length === 1);
    expect(r.faults).toEqual([]);
    expect(r.logs.join('\n')).toMatch(/sw-10.*1 in a row/);
  });

  it('the heartbeat (SAM status) resolves when the SAM answers and rejects when it does not', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    await expect(r.driver.heartbeat()).resolves.toBeUndefined();
    r.sim.silenceNext(5);
    await expect(r.driver.heartbeat()).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('a late answer after a timeout is not taken for the next command', async () => {
    const r = rig({ timeouts: { samMs: 100, resetMs: 100, findMs: 100, readMs: 300 } });
    await r.driver.attach(r.link);
    r.sim.silenceNext(1);
    await sleep(150);
    // An answer nobody asked for (e.g. a late SAM id) is ignored, not mistaken for "card found".
    await r.sim.inject(Uint8Array.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x94]));
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('a card', () => r.cards.length === 1);
    expect(r.logs.join('\n')).toMatch(/unsolicited frame ignored: aa aa aa 96 69 00 04 00 00 90 94|does not fit the command/);
  });

  it('a reader that halts the card after a read ("find" fails while it stays): removal is reported, no double read', async () => {
    const r = rig({}, { haltAfterRead: true });
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    await until('removal', () => r.removed === 1);
    await sleep(60);
    expect(r.cards).toHaveLength(1);
  });

  it('detach with a card in the field reports it removed; nothing more after detach', async () => {
    const r = rig();
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    r.driver.detach();
    expect(r.removed).toBe(1);
    const n = r.sim.commands.length;
    await sleep(60);
    expect(r.sim.commands.length).toBe(n);
  });
});

function wrongCheck(n: string): string {
  return n.slice(0, 17) + (checkDigit(n.slice(0, 17)) === '0' ? '1' : '0');
}

function secrets(card: SimCard): string[] {
  const ucs = (s: string) => toHex(Buffer.from(s, 'utf16le'), 1000);
  return [card.name, card.chineseName, card.englishName, card.idNumber, card.address]
    .filter((s): s is string => !!s)
    .flatMap((s) => [s, ucs(s), ucs(s.slice(0, 2))]);
}

describe('card reader driver: replies as real readers send them', () => {
  it('issue 16: "card found" with 4 data bytes and "select" with 8 are accepted (the driver used to refuse both and fault the reader)', async () => {
    const r = rig();
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.faults).toEqual([]);
    expect(r.logs.join('\n')).not.toMatch(/does not fit the command/);
  });

  it('the same replies with their data left out are accepted too', async () => {
    const r = rig({}, { findData: false, selectData: false });
    r.sim.placeCard(SAMPLE_CARDS.hmt);
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.faults).toEqual([]);
  });

  it('answers are told apart by their status, whatever data LEN announces: only stray ones are refused', () => {
    const res = (sw3: number, n = 0) => toResponse({ body: Uint8Array.from([0, 0, sw3, ...new Array<number>(n).fill(0)]), raw: new Uint8Array(11) });
    const stray = { kind: 'protocol', code: 'unexpected-answer' };
    // As real readers send them.
    expect(() => checkShape('findCard', res(0x9f, 4), false)).not.toThrow();
    expect(() => checkShape('findCard', res(0x80), false)).not.toThrow();
    expect(() => checkShape('selectCard', res(0x90, 8), false)).not.toThrow();
    expect(() => checkShape('readSamId', res(0x90, 16), false)).not.toThrow();
    expect(() => checkShape('readAppendedAddress', res(0x90, 70), false)).not.toThrow();
    // Any status may carry data, for any command: the caller decides what the status means.
    for (const name of ['resetSam', 'samStatus', 'findCard', 'selectCard', 'readText', 'readAppendedAddress'] as const) {
      expect(() => checkShape(name, res(0x41, 3), false)).not.toThrow();
    }
    // Stray: "card found" to anything but find; find answered "success"; a read too short to be one.
    expect(() => checkShape('selectCard', res(0x9f, 4), false)).toThrow(expect.objectContaining(stray));
    expect(() => checkShape('findCard', res(0x90, 8), false)).toThrow(expect.objectContaining(stray));
    expect(() => checkShape('readText', res(0x90, 8), false)).toThrow(expect.objectContaining(stray));
    expect(() => checkShape('readTextFingerprint', res(0x90, 6 + 256 + 1024), false)).toThrow(expect.objectContaining(stray));
  });

  it("R21: the card's serial number (the 8 bytes after select) is never shown, not even in a stray frame's log line", async () => {
    const serial = Uint8Array.from([0xc1, 0xd2, 0xe3, 0xf4, 0x15, 0x26, 0x37, 0x48]);
    const r = rig();
    await r.driver.attach(r.link);
    r.sim.placeCard({ ...SAMPLE_CARDS.resident, serial });
    await until('a card', () => r.cards.length === 1);
    // The same select answer again, unasked (a late or duplicated answer on the line).
    await r.sim.inject(encodeResponse(0x90, serial));
    await sleep(40);
    expect(r.logs.join('\n')).toMatch(/unsolicited frame ignored: aa aa aa 96 69 00 0c 00 00 90 … \(19 bytes, payload withheld\)/);
    expect(r.logs.join('\n')).not.toContain(toHex(serial));
    expect(r.logs.join('\n')).not.toContain(toHex(serial.subarray(0, 2)));
  });

  it('the new-address page, when the card has one, reaches the identity check only', async () => {
    const r = rig();
    r.sim.placeCard({ ...SAMPLE_CARDS.resident, newAddress: '北京市西城区示例街4号' });
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.cards[0]!.full.newAddress).toBe('北京市西城区示例街4号');
    expect(JSON.stringify(r.cards[0]!.card)).not.toContain('示例街');
    expect(r.logs.join('\n')).not.toContain('示例街');
  });

  it('a reader that does not know the new-address command (SW 21) still reads the card', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('the read', () => r.sim.commands.includes('readText'));
    r.sim.answerNext(0x21);
    await until('a card', () => r.cards.length === 1);
    expect(r.cards[0]!.full.newAddress).toBeUndefined();
    expect(r.faults).toEqual([]);
  });

  it('fingerprint variant on a card without fingerprints (length 0) reads; no fingerprint bytes', async () => {
    const r = rig({ withFingerprint: true });
    r.sim.placeCard({ ...SAMPLE_CARDS.resident, fingerprint: new Uint8Array(0) });
    await r.driver.attach(r.link);
    await until('a card', () => r.cards.length === 1);
    expect(r.cards[0]!.full.fingerprint?.length).toBe(0);
  });

  it('read answers damaged every time are a named reader fault (bad-checksum), ended by the next good read', async () => {
    const r = rig();
    await r.driver.attach(r.link);
    r.sim.corruptNext(4, 'readText');
    r.sim.placeCard(SAMPLE_CARDS.resident);
    await until('a fault', () => r.faults.length === 1);
    expect(r.faults[0]!.code).toBe('bad-checksum');
    expect(r.cards).toHaveLength(0);
    await until('the card read after all', () => r.cards.length === 1);
    expect(r.recovered).toBe(1);
    await expect(r.driver.heartbeat()).resolves.toBeUndefined();
  });
});
