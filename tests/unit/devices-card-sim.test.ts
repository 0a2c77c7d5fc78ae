/**
 * The card reader simulator speaks what the published sources show (tests/fixtures/devices/
 * cardReader/README.md), not what the driver expects: its replies, byte for byte, against the
 * literal replies of the traces, with the optional parts present and absent.
 */
import { describe, expect, it } from 'vitest';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import { CardReaderSim, SAMPLE_CARDS, type CardReaderSimOptions, type SimCard } from '../../electron/devices/sim/cardReaderSim';
import { bytes, loadCardTraces } from '../fixtures/devices/cardReader/replay';

const hex = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const CMD = {
  resetSam: 'aa aa aa 96 69 00 03 10 ff ec',
  samStatus: 'aa aa aa 96 69 00 03 11 ff ed',
  readSamId: 'aa aa aa 96 69 00 03 12 ff ee',
  findCard: 'aa aa aa 96 69 00 03 20 01 22',
  selectCard: 'aa aa aa 96 69 00 03 20 02 21',
  readText: 'aa aa aa 96 69 00 03 30 01 32',
  readTextFingerprint: 'aa aa aa 96 69 00 03 30 10 23',
  readNewAddress: 'aa aa aa 96 69 00 03 30 03 30',
};

/** Send raw command bytes to a simulator; get its raw reply (all bytes until it is quiet). */
function simOn(o: CardReaderSimOptions = {}, link: { baudRate?: number } = {}) {
  const toSim = new LinkEvents();
  const fromSim = new LinkEvents();
  let got: number[] = [];
  fromSim.onData((c) => got.push(...c));
  const simEnd: ByteLink = {
    description: 'sim end',
    write: async (b) => fromSim.emitData(Uint8Array.from(b)),
    onData: (l) => toSim.onData(l),
    onClose: (l) => toSim.onClose(l),
    close: async () => toSim.emitClose(),
  };
  const sim = new CardReaderSim(o);
  sim.use(simEnd, link);
  return {
    sim,
    async ask(cmd: string): Promise<string> {
      got = [];
      toSim.emitData(bytes(cmd));
      await new Promise((r) => setTimeout(r, 15));
      return hex(got);
    },
  };
}

/** The literal (published) replies the traces hold, by command. */
const published = (() => {
  const out = new Map<string, Set<string>>();
  // Short replies in the traces (except the deliberately damaged and data-less ones) are literal copies.
  for (const t of loadCardTraces().filter((x) => !x.name.startsWith('damaged') && !x.name.startsWith('find-select-without'))) {
    for (const e of t.exchanges) for (const r of e.replies) if (r && r.split(' ').length < 30) (out.get(e.command) ?? out.set(e.command, new Set()).get(e.command)!).add(r);
  }
  return out;
})();

describe('card reader simulator: replies as published', () => {
  it('reset, SAM status, find (no card: 80), find (card: 9F + 00 00 00 00), select (90 + 8 zero bytes), new address none (91): byte for byte', async () => {
    const { sim, ask } = simOn();
    expect(await ask(CMD.resetSam)).toBe('aa aa aa 96 69 00 04 00 00 90 94');
    expect(await ask(CMD.samStatus)).toBe('aa aa aa 96 69 00 04 00 00 90 94');
    expect(await ask(CMD.findCard)).toBe('aa aa aa 96 69 00 04 00 00 80 84');
    sim.placeCard(SAMPLE_CARDS.resident);
    expect(await ask(CMD.findCard)).toBe('aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97');
    expect(await ask(CMD.selectCard)).toBe('aa aa aa 96 69 00 0c 00 00 90 00 00 00 00 00 00 00 00 9c');
    const read = await ask(CMD.readText);
    expect(read.startsWith('aa aa aa 96 69 05 08 00 00 90 01 00 04 00')).toBe(true);
    expect(read.split(' ')).toHaveLength(1295);
    // The photo inside starts with the published WLT header.
    expect(read.split(' ').slice(270, 280).join(' ')).toBe('57 4c 66 00 7e 00 32 00 00 ff');
    expect(await ask(CMD.readNewAddress)).toBe('aa aa aa 96 69 00 04 00 00 91 95');
    // Each of these is among the replies the published sources show for that command.
    for (const [cmd, r] of [
      [CMD.samStatus, 'aa aa aa 96 69 00 04 00 00 90 94'],
      [CMD.findCard, 'aa aa aa 96 69 00 04 00 00 80 84'],
      [CMD.findCard, 'aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97'],
      [CMD.selectCard, 'aa aa aa 96 69 00 0c 00 00 90 00 00 00 00 00 00 00 00 9c'],
      [CMD.readNewAddress, 'aa aa aa 96 69 00 04 00 00 91 95'],
    ] as const) {
      expect(published.get(cmd), cmd).toContain(r);
    }
  });

  it('the SAM id is 90 + 16 bytes (27 bytes in all); select failed is 81, read failed 41, SAM self-test failed 60', async () => {
    const { sim, ask } = simOn();
    const id = await ask(CMD.readSamId);
    expect(id.split(' ')).toHaveLength(27);
    expect(id.startsWith('aa aa aa 96 69 00 14 00 00 90')).toBe(true);
    expect(await ask(CMD.selectCard)).toBe('aa aa aa 96 69 00 04 00 00 81 85');
    sim.placeCard(SAMPLE_CARDS.resident);
    sim.failNextRead(0x41);
    expect(await ask(CMD.readText)).toBe('aa aa aa 96 69 00 04 00 00 41 45');
    sim.setSamFault(0x60);
    expect(await ask(CMD.samStatus)).toBe('aa aa aa 96 69 00 04 00 00 60 64');
  });

  it('optional parts absent: find 9F and select 90 without data; no fingerprint (length 0); the new-address page present', async () => {
    const { sim, ask } = simOn({ findData: false, selectData: false });
    const card: SimCard = { ...SAMPLE_CARDS.resident, fingerprint: new Uint8Array(0), newAddress: '北京市西城区示例街4号' };
    sim.placeCard(card);
    expect(await ask(CMD.findCard)).toBe('aa aa aa 96 69 00 04 00 00 9f 9b');
    expect(await ask(CMD.selectCard)).toBe('aa aa aa 96 69 00 04 00 00 90 94');
    const fp = (await ask(CMD.readTextFingerprint)).split(' ');
    expect(fp).toHaveLength(1297);
    expect(fp.slice(0, 16).join(' ')).toBe('aa aa aa 96 69 05 0a 00 00 90 01 00 04 00 00 00');
    const addr = (await ask(CMD.readNewAddress)).split(' ');
    expect(addr).toHaveLength(7 + 3 + 70 + 1);
    expect(addr.slice(0, 10).join(' ')).toBe('aa aa aa 96 69 00 4a 00 00 90');
    expect(Buffer.from(addr.slice(10, 80).map((h) => parseInt(h, 16))).toString('utf16le').trim()).toBe('北京市西城区示例街4号');
  });

  it('fingerprint with two fingers: LEN 09 0A (2321 bytes), as published', async () => {
    const { sim, ask } = simOn();
    sim.placeCard(SAMPLE_CARDS.resident);
    await ask(CMD.findCard);
    await ask(CMD.selectCard);
    const fp = (await ask(CMD.readTextFingerprint)).split(' ');
    expect(fp).toHaveLength(2321);
    expect(fp.slice(0, 16).join(' ')).toBe('aa aa aa 96 69 09 0a 00 00 90 01 00 04 00 04 00');
  });

  it('family: a 9600-baud reader hears nothing on a link opened at 115200, and answers at 9600', async () => {
    const wrong = simOn({ family: 'sam-v-9600' }, { baudRate: 115200 });
    expect(await wrong.ask(CMD.samStatus)).toBe('');
    const right = simOn({ family: 'sam-v-9600' }, { baudRate: 9600 });
    expect(await right.ask(CMD.samStatus)).toBe('aa aa aa 96 69 00 04 00 00 90 94');
  });
});
