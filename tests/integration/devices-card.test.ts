/**
 * The ID card reader end to end over real pseudo-terminals (socat): the driver under a
 * DeviceSupervisor on one end, the simulator (writing its answers in random pieces) on the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { toHex, type DeviceError } from '../../electron/devices/common/errors';
import { superviseCardReader } from '../../electron/devices/cardReader';
import { wltImageSize, type FullCardData } from '../../electron/devices/cardReader/parse';
import { CardReaderSchema, parseDevicesConfig } from '../../electron/devices/config';
import { DeviceManager } from '../../electron/devices/manager';
import { CardReaderSim, SAMPLE_CARDS, fakePhoto, type SimCard } from '../../electron/devices/sim/cardReaderSim';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import { DeviceEventSchema, type DeviceEvent, type DeviceHealth } from '../../shared/devices/contract';
import { idHash, type CardRead } from '../../shared/identity';
import { until } from '../support/until';

const KEY = 'hall-secret-key-0123456789abcdef';
const realWriteFileSync = fs.writeFileSync.bind(fs);
const realAppendFileSync = fs.appendFileSync.bind(fs);
const realWriteFile = fs.promises.writeFile.bind(fs.promises);
const realAppendFile = fs.promises.appendFile.bind(fs.promises);

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('ID card reader over socat pty pairs, under a DeviceSupervisor', () => {
  it('reads, reports removal, survives garbage and bad checksums, reports a SAM fault, goes missing on unplug and reads again after replug', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-card-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let pair: PtyPair = await openPtyPair(dir);
    cleanups.push(() => pair.kill());
    const sim = await CardReaderSim.open(pair.peer, { split: true });
    cleanups.push(() => sim.close());

    const events: DeviceEvent[] = [];
    const identities: Array<{ full: FullCardData; card: CardRead }> = [];
    const health: DeviceHealth[] = [];
    const logs: string[] = [];
    const cardErrors: DeviceError[] = [];
    const cfg = CardReaderSchema.parse({ id: 'reader-1', port: { path: pair.device, baudRate: 115200 }, pollMs: 200 });
    const { supervisor, driver } = superviseCardReader(cfg, {
      hallKey: KEY,
      toScreens: (e) => events.push(DeviceEventSchema.parse(e)),
      onIdentity: (full, card) => identities.push({ full, card }),
      onCardError: (e) => cardErrors.push(e),
      onHealth: (h) => health.push(h),
      log: (level, m) => logs.push(`${level} ${m}`),
      heartbeatMs: 400,
      baseMs: 100,
      capMs: 400,
    });
    cleanups.push(() => supervisor.stop());
    const state = () => health.at(-1)?.state;
    const cardsSeen = () => events.filter((e) => e.type === 'card').length;
    const removals = () => events.filter((e) => e.type === 'card-removed').length;

    supervisor.start();
    await until('the reader to be ok', () => state() === 'ok');
    expect(sim.commands.slice(0, 3)).toEqual(['resetSam', 'samStatus', 'readSamId']);
    expect(driver.samId).toMatch(/^[0-9a-f]{32}$/);

    // 1. A card placed: the screens get the masked read; only the identity listener gets the rest.
    sim.placeCard(SAMPLE_CARDS.resident);
    await until('a card event', () => cardsSeen() === 1);
    const first = events.find((e) => e.type === 'card');
    expect(first).toEqual({
      type: 'card',
      card: {
        cardType: 'resident',
        idHash: idHash(KEY, SAMPLE_CARDS.resident.idNumber),
        idMasked: `110***********${SAMPLE_CARDS.resident.idNumber.slice(-4)}`,
        nameMasked: '王**',
        birthDate: '1990-03-07',
        sex: 'male',
        validTo: '2035-01-01',
      },
    });
    expect(identities).toHaveLength(1);
    expect(identities[0]!.full).toMatchObject({ name: '王小明', idNumber: SAMPLE_CARDS.resident.idNumber, address: SAMPLE_CARDS.resident.address });
    expect(identities[0]!.full.photoWlt.length).toBe(1024);

    // 2. Taken away.
    sim.removeCard();
    await until('card-removed', () => removals() === 1);

    // 3. Garbage on the line, garbage before an answer, a bad checksum on the read answer: the
    //    next card is still read, and the reader never leaves 'ok'.
    const okSince = health.length;
    await sim.inject(Uint8Array.from([0x00, 0xff, 0xaa, 0xaa, 0x13, 0x37]));
    sim.garbageBeforeNext(Uint8Array.from([0x42, 0xaa, 0x96]));
    sim.corruptNext(1, 'readText');
    sim.placeCard(SAMPLE_CARDS.residentLongTerm);
    await until('the second card despite the noise', () => cardsSeen() === 2, 8000);
    expect(sim.commands.filter((c) => c === 'readText')).toHaveLength(3); // one lost to the bad checksum
    expect(events.filter((e) => e.type === 'card').at(-1)).toMatchObject({ card: { nameMasked: '马**', validTo: '长期', sex: 'female' } });
    expect(logs.join('\n')).toMatch(/bytes discarded \(no preamble\)/);
    expect(logs.join('\n')).toMatch(/bytes discarded \(bad checksum\) around a card read; content withheld/);
    expect(health.slice(okSince).map((h) => h.state)).toEqual([]);
    sim.removeCard();
    await until('card-removed', () => removals() === 2);

    // 4. The SAM reports a fault: health 'fault' with the status and raw hex; then it recovers.
    const faultSince = health.length;
    sim.setSamFault(0x60);
    await until('fault', () => state() === 'fault');
    expect(health.at(-1)).toMatchObject({ id: 'reader-1', kind: 'card-reader', state: 'fault', code: 'sw-60', raw: 'aa aa aa 96 69 00 04 00 00 60 64' });
    expect(health.at(-1)!.message.zh).toMatch(/安全模块自检失败/);
    await new Promise((r) => setTimeout(r, 900)); // two heartbeats: the link is kept, the fault stays
    expect(state()).toBe('fault');
    sim.setSamFault(undefined);
    await until('ok after the fault', () => state() === 'ok');
    // The link was kept throughout: no 'missing', no reconnect.
    expect(health.slice(faultSince).map((h) => h.state)).toEqual(['fault', 'ok']);
    expect(sim.commands.filter((c) => c === 'readSamId')).toHaveLength(1);

    // 5. Unplugged (socat killed): 'missing'. Replugged at the same paths: reconnects, reads again.
    sim.placeCard(SAMPLE_CARDS.hmt);
    await until('a card before the unplug', () => cardsSeen() === 3);
    const unpluggedAt = health.length;
    await pair.kill();
    await until('missing', () => state() === 'missing');
    expect(health[unpluggedAt]).toMatchObject({ state: 'missing', code: 'disconnected' });
    expect(health[unpluggedAt]!.message.zh).toMatch(/设备已断开/);
    expect(removals()).toBe(3); // the card went with the reader
    await new Promise((r) => setTimeout(r, 300));
    expect(state()).toBe('missing');

    pair = await openPtyPair(dir);
    await sim.connect(pair.peer);
    await until('ok after the replug', () => state() === 'ok', 6000);
    await until('the card read again', () => cardsSeen() === 4);
    expect(events.filter((e) => e.type === 'card').at(-1)).toMatchObject({ card: { cardType: 'hmt-permit', nameMasked: '陈**' } });

    // R21: nothing said anywhere (logs, health, card errors, screen events) carries a name or a number.
    const said = [
      ...logs,
      ...health.map((h) => JSON.stringify(h)),
      ...cardErrors.map((e) => `${e.message} ${e.raw}`),
      ...events.map((e) => JSON.stringify(e)),
    ].join('\n');
    for (const c of [SAMPLE_CARDS.resident, SAMPLE_CARDS.residentLongTerm, SAMPLE_CARDS.hmt]) {
      for (const s of secrets(c)) expect(said).not.toContain(s);
    }
  });
});

describe('the card photo downstream (R21)', () => {
  it('R21: the photo is checked and handed to the identity check only: no screen event, health row, log line or file write carries it', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-card-photo-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pair = await openPtyPair(dir);
    cleanups.push(() => pair.kill());
    const sim = await CardReaderSim.open(pair.peer, { split: true });
    cleanups.push(() => sim.close());
    const photo = fakePhoto(0x5eed);
    const signature = Buffer.from(photo.subarray(16, 48));

    // Every file write of the process while the card is read (the SDKs in the sources write
    // the photo to zp.wlt / XP.WLT; nothing of ours may).
    const writes: Buffer[] = [];
    const keep = (data: unknown) => {
      if (typeof data === 'string' || ArrayBuffer.isView(data)) writes.push(Buffer.from(data as string));
    };
    const spies = [
      vi.spyOn(fs, 'writeFileSync').mockImplementation(function (this: unknown, ...a: Parameters<typeof fs.writeFileSync>) {
        keep(a[1]);
        return realWriteFileSync(...a);
      }),
      vi.spyOn(fs, 'appendFileSync').mockImplementation(function (this: unknown, ...a: Parameters<typeof fs.appendFileSync>) {
        keep(a[1]);
        return realAppendFileSync(...a);
      }),
      vi.spyOn(fs.promises, 'writeFile').mockImplementation(async (...a: Parameters<typeof fs.promises.writeFile>) => {
        keep(a[1]);
        return realWriteFile(...a);
      }),
      vi.spyOn(fs.promises, 'appendFile').mockImplementation(async (...a: Parameters<typeof fs.promises.appendFile>) => {
        keep(a[1]);
        return realAppendFile(...a);
      }),
    ];
    syncBuiltinESMExports();
    cleanups.push(() => {
      for (const sp of spies) sp.mockRestore();
      syncBuiltinESMExports();
    });

    const identities: FullCardData[] = [];
    const said: string[] = [];
    const manager = new DeviceManager({
      config: parseDevicesConfig({ cardReader: { id: 'reader-1', port: { path: pair.device }, pollMs: 200 } }),
      hallKey: KEY,
      onIdentity: (full) => identities.push(full),
      log: (level, m) => said.push(`${level} ${m}`),
      baseMs: 100,
      capMs: 400,
    });
    const events: unknown[] = [];
    manager.subscribe((e) => events.push(DeviceEventSchema.parse(e)));
    manager.start();
    cleanups.push(() => manager.stop());
    sim.placeCard({ ...SAMPLE_CARDS.resident, photo });
    await until('a card event', () => events.some((e) => (e as DeviceEvent).type === 'card'), 8000);
    await until('the identity check', () => identities.length === 1);

    // The identity check has it, checked (WLT of the standard's 102 x 126) ...
    expect(Buffer.from(identities[0]!.photoWlt).equals(Buffer.from(photo))).toBe(true);
    expect(wltImageSize(identities[0]!.photoWlt)).toEqual({ width: 102, height: 126 });
    // ... and a slip (logging the record, sending it as JSON) shows nothing of it.
    expect(JSON.stringify(identities[0])).toBe('"[FullCardData withheld (R21)]"');
    // Nothing else does, in any encoding.
    const forms = [signature.toString('hex'), toHex(signature, 100), signature.toString('base64'), Array.from(signature).join(',')];
    const out = [JSON.stringify(events), JSON.stringify(await manager.health()), ...said].join('\n');
    for (const f of forms) expect(out).not.toContain(f);
    for (const w of writes) expect(w.includes(signature)).toBe(false);
  });
});

function secrets(card: SimCard): string[] {
  const ucs = (s: string) => toHex(Buffer.from(s, 'utf16le'), 1000);
  return [card.name, card.idNumber, card.address].filter((s): s is string => !!s).flatMap((s) => [s, ucs(s), ucs(s.slice(0, 2))]);
}
