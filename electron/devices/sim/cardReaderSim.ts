/**
 * A resident ID card reader on the peer end of a pty pair (see ptyPair.ts): answers every
 * command of the SAM protocol, with cards that can be placed and taken away, and faults on
 * demand: SAM fault statuses, bad checksums, garbage, silence, answers written in random pieces.
 * The cards are made up (names, numbers with correct check digits, a fake photo).
 *
 * Its replies are the ones published sources show (tests/fixtures/devices/cardReader/README.md):
 * find = 9F + 00 00 00 00 (or 80 with no card), select = 90 + 8 zero bytes (or 81), SAM id =
 * 90 + 16 bytes, read = LEN 05 08 (text + photo) or 09 0A / 07 0A / 05 0A (fingerprint 1024 /
 * 512 / none), new-address page = 90 + 70 bytes or 91. The optional parts can be left out
 * (`findData: false`, `selectData: false`, a card without fingerprint or new address), and the
 * reader's family fixes the speed it answers at (`use(link, { baudRate })`).
 */
import { checkDigit, type CardType } from '../../../shared/identity';
import { toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import { openSerialLink } from '../common/serialLink';
import { FAMILY_BAUD, type CardReaderFamily } from '../cardReader/family';
import { CMD, MIN_COMMAND_LEN, SW, SamFramer, encodeResponse, type CommandName } from '../cardReader/frames';
import { CARD_FLAGS, FLAG_OFFSET, NEW_ADDRESS_BYTES, PHOTO_BYTES, TEXT_BYTES, TEXT_LAYOUTS, type FieldSpan } from '../cardReader/parse';

/** A card as the simulator holds it: text fields as the card stores them. */
export interface SimCard {
  cardType: CardType;
  /** Resident / HMT permit. */
  name?: string;
  /** Foreigner cards. */
  chineseName?: string;
  englishName?: string;
  /** '1' male, '2' female. */
  sex: string;
  /** Resident: GB 3304 code, '01'..'56', '97', '98'. */
  nationCode?: string;
  /** YYYYMMDD. */
  birth: string;
  address?: string;
  idNumber: string;
  authority?: string;
  validFrom: string;
  /** YYYYMMDD or 长期. */
  validTo: string;
  passNumber?: string;
  issueCount?: string;
  nationality?: string;
  version?: string;
  authorityCode?: string;
  renewalCount?: string;
  /** 1024 bytes; a fake one by default. */
  photo?: Uint8Array;
  /** For 0x30 0x10: 1024 bytes by default; 512 (one finger) or empty (none enrolled) as cards have. */
  fingerprint?: Uint8Array;
  /** The new-address page (追加住址); absent = the reader answers 0x30 0x03 with 91. */
  newAddress?: string;
  /** The 8 bytes after "select" success (the card's serial number, S11); zeros by default, as published. */
  serial?: Uint8Array;
  /** Use these 256 bytes as the text block instead (malformed-card tests). */
  rawText?: Uint8Array;
}

function withCheck(first17: string): string {
  return first17 + checkDigit(first17);
}

/** Made-up cards of every type. */
export const SAMPLE_CARDS = {
  resident: {
    cardType: 'resident',
    name: '王小明',
    sex: '1',
    nationCode: '01',
    birth: '19900307',
    address: '北京市朝阳区建国路88号院3号楼1单元502室',
    idNumber: withCheck('11010519900307001'),
    authority: '北京市公安局朝阳分局',
    validFrom: '20150101',
    validTo: '20350101',
  },
  residentLongTerm: {
    cardType: 'resident',
    name: '马秀英',
    sex: '2',
    nationCode: '03',
    birth: '19500412',
    address: '宁夏回族自治区银川市兴庆区解放东街12号',
    idNumber: withCheck('64010419500412002'),
    authority: '银川市公安局兴庆区分局',
    validFrom: '20100601',
    validTo: '长期',
  },
  hmt: {
    cardType: 'hmt-permit',
    name: '陈大文',
    sex: '1',
    birth: '19850615',
    address: '广东省深圳市福田区福华三路100号',
    idNumber: withCheck('81000019850615001'),
    authority: '深圳市公安局',
    validFrom: '20200110',
    validTo: '20250110',
    passNumber: 'H12345678',
    issueCount: '01',
  },
  foreignerOld: {
    cardType: 'foreigner-old',
    englishName: 'SMITH, JOHN WILLIAM',
    chineseName: '史约翰',
    sex: '1',
    idNumber: 'CAN110078041502',
    nationality: 'CAN',
    birth: '19780415',
    validFrom: '20160301',
    validTo: '20260301',
    version: '01',
    authorityCode: '1100',
  },
  foreigner2023: {
    cardType: 'foreigner-2023',
    chineseName: '马丁',
    englishName: 'VAN DER BERG-MARTINEZ, ALEXANDER JOHANNES',
    sex: '1',
    renewalCount: '00',
    birth: '19880921',
    idNumber: withCheck('93410019880921001'),
    validFrom: '20231201',
    validTo: '20331201',
    nationality: 'ESP',
  },
} as const satisfies Record<string, SimCard>;

function putText(block: Uint8Array, span: FieldSpan, text: string | undefined): void {
  if (text === undefined) return;
  const chars = Array.from(text).flatMap((c) => (c.length === 2 ? [c.charCodeAt(0), c.charCodeAt(1)] : [c.charCodeAt(0)]));
  if (chars.length * 2 > span[1]) throw new RangeError(`'${text}' does not fit ${span[1]} bytes`);
  chars.forEach((code, i) => {
    block[span[0] + 2 * i] = code & 0xff;
    block[span[0] + 2 * i + 1] = code >> 8;
  });
}

/** The 256-byte UCS-2LE text block, space padded, laid out per card type. */
export function encodeCardText(card: SimCard): Uint8Array {
  if (card.rawText) return card.rawText;
  const block = new Uint8Array(TEXT_BYTES);
  for (let i = 0; i < TEXT_BYTES; i += 2) block[i] = 0x20;
  const L: Record<string, FieldSpan> = TEXT_LAYOUTS[card.cardType];
  const put = (field: string, text: string | undefined) => L[field] && putText(block, L[field], text);
  put('sex', card.sex);
  put('birth', card.birth);
  put('idNumber', card.idNumber);
  put('validFrom', card.validFrom);
  put('validTo', card.validTo);
  switch (card.cardType) {
    case 'resident':
    case 'hmt-permit':
      put('name', card.name);
      put('address', card.address);
      put('authority', card.authority);
      put('nation', card.nationCode);
      put('passNumber', card.passNumber);
      put('issueCount', card.issueCount);
      break;
    case 'foreigner-old':
      put('englishName', card.englishName);
      put('chineseName', card.chineseName);
      put('nationality', card.nationality);
      put('version', card.version);
      put('authorityCode', card.authorityCode);
      break;
    case 'foreigner-2023': {
      put('chineseName', card.chineseName);
      const en = card.englishName ?? '';
      const cut = L.englishName1![1] / 2;
      put('englishName1', en.slice(0, cut));
      put('englishName2', en.slice(cut));
      put('nationality', card.nationality);
      put('renewalCount', card.renewalCount);
      break;
    }
  }
  if (card.cardType !== 'resident') putText(block, [FLAG_OFFSET, 2], CARD_FLAGS[card.cardType]);
  return block;
}

/** A fake WLT photo: 1024 deterministic bytes (real ones need a vendor decoder anyway). */
export function fakePhoto(seed = 1): Uint8Array {
  const out = new Uint8Array(PHOTO_BYTES);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  // The header every published WLT photo starts with: 'WL', width 102, height 126 (LE), 32 00 00 FF.
  out.set([0x57, 0x4c, 0x66, 0x00, 0x7e, 0x00, 0x32, 0x00, 0x00, 0xff], 0);
  return out;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

/** The whole answer frame to 0x30 0x01 (1295 bytes) or, with `fingerprint`, 0x30 0x10. */
export function buildReadAnswer(card: SimCard, o: { fingerprint?: boolean } = {}): Uint8Array {
  const text = encodeCardText(card);
  const photo = card.photo ?? fakePhoto(card.idNumber.length + card.birth.charCodeAt(7));
  const fp = o.fingerprint ? (card.fingerprint ?? new Uint8Array(1024).fill(0x46)) : undefined;
  if (photo.length !== PHOTO_BYTES) throw new RangeError(`a card photo is ${PHOTO_BYTES} bytes`);
  const lens = [...u16(text.length), ...u16(photo.length), ...(fp ? u16(fp.length) : [])];
  const data = new Uint8Array(lens.length + text.length + photo.length + (fp?.length ?? 0));
  data.set(lens, 0);
  data.set(text, lens.length);
  data.set(photo, lens.length + text.length);
  if (fp) data.set(fp, lens.length + text.length + photo.length);
  return encodeResponse(SW.ok, data);
}

/** The new-address page's answer data: the address as 70 bytes of UCS-2LE, space padded. */
export function encodeNewAddress(address: string): Uint8Array {
  const out = new Uint8Array(NEW_ADDRESS_BYTES);
  for (let i = 0; i < out.length; i += 2) out[i] = 0x20;
  putText(out, [0, NEW_ADDRESS_BYTES], address);
  return out;
}

/** What published readers put after "card found" (4 bytes) and "select" success (8 bytes). */
export const FIND_DATA = new Uint8Array(4);
export const SELECT_DATA = new Uint8Array(8);

export interface CardReaderSimOptions {
  /** The family, i.e. the speed it answers at (links opened at another speed get no answer). */
  family?: CardReaderFamily;
  /** "card found" with its 4 data bytes (default, as published) or with none. */
  findData?: boolean;
  /** "select" success with its 8 data bytes (default, as published) or with none. */
  selectData?: boolean;
  /** Write answers in random pieces with small delays (a slow USB-serial adapter). */
  split?: boolean;
  /** Longest pause between pieces, ms. Default 4. */
  maxGapMs?: number;
  random?: () => number;
  /** Like some SAMs: after a read, "find card" fails until the card is put down again. */
  haltAfterRead?: boolean;
  samId?: Uint8Array;
}

const NAMES = new Map<string, CommandName>(Object.entries(CMD).map(([name, [c, p]]) => [`${c}:${p}`, name as CommandName]));

export class CardReaderSim {
  /** Every command received, by name (or 'unknown xx yy', 'bad checksum'). */
  readonly commands: string[] = [];
  private link: ByteLink | undefined;
  private readonly framer: SamFramer;
  private card: SimCard | undefined;
  private selected = false;
  private halted = false;
  private fault: number | undefined;
  private readFault: number | undefined;
  private corrupt = 0;
  private nextStatus: number | undefined;
  private corruptOnly: CommandName | undefined;
  private silent = 0;
  private garbage: Uint8Array | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly random: () => number;

  constructor(private readonly o: CardReaderSimOptions = {}) {
    this.random = o.random ?? Math.random;
    this.framer = new SamFramer({
      minLen: MIN_COMMAND_LEN,
      onDiscard: (_hex, reason) => {
        if (reason === 'bad checksum') {
          this.commands.push('bad checksum');
          this.answer(encodeResponse(SW.checksumError));
        }
      },
    });
  }

  static async open(peerPath: string, o: CardReaderSimOptions = {}): Promise<CardReaderSim> {
    const sim = new CardReaderSim(o);
    await sim.connect(peerPath);
    return sim;
  }

  /** Open (or, after an unplug, reopen) the peer end. Cards and faults are kept. */
  async connect(peerPath: string): Promise<void> {
    this.use(await openSerialLink({ path: peerPath, baudRate: 115200 }));
  }

  /** Serve on any byte link (an in-memory one in unit tests). */
  use(link: ByteLink, o: { baudRate?: number } = {}): void {
    this.link = link;
    this.framer.reset();
    this.writing = Promise.resolve();
    // A UART at another speed reads our commands as noise: nothing it can answer.
    const deaf = o.baudRate !== undefined && o.baudRate !== FAMILY_BAUD[this.o.family ?? 'sam-v'];
    link.onData((chunk) => {
      if (deaf) {
        this.commands.push(`unheard at ${o.baudRate} baud`);
        return;
      }
      for (const f of this.framer.push(chunk)) this.handle(f.body);
    });
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
  }

  async close(): Promise<void> {
    const l = this.link;
    this.link = undefined;
    // A write into a dead pty may never finish: give pending writes a moment, no more.
    await Promise.race([this.writing, new Promise((r) => setTimeout(r, 200))]);
    await l?.close();
  }

  get connected(): boolean {
    return this.link !== undefined;
  }

  placeCard(card: SimCard): void {
    this.card = card;
    this.selected = false;
    this.halted = false;
  }

  removeCard(): void {
    this.card = undefined;
    this.selected = false;
    this.halted = false;
  }

  /** From now on every command is answered with this SW3 (e.g. 0x60); undefined = healthy. */
  setSamFault(sw3: number | undefined): void {
    this.fault = sw3;
  }

  /** The next read is answered with this SW3 (e.g. 0x41 read failed). */
  failNextRead(sw3: number): void {
    this.readFault = sw3;
  }

  /** The next command, whatever it is, is answered with this SW3 (and nothing else). */
  answerNext(sw3: number): void {
    this.nextStatus = sw3;
  }

  /** The next n answers (to `only` this command, if given) go out with a wrong checksum. */
  corruptNext(n = 1, only?: CommandName): void {
    this.corrupt += n;
    this.corruptOnly = only;
  }

  /** The next n commands get no answer. */
  silenceNext(n = 1): void {
    this.silent += n;
  }

  /** These bytes go out just before the next answer. */
  garbageBeforeNext(bytes: Uint8Array): void {
    this.garbage = bytes;
  }

  /** Write bytes now, unasked (line noise). */
  inject(bytes: Uint8Array): Promise<void> {
    return this.enqueue(bytes);
  }

  private handle(body: Uint8Array): void {
    const name = NAMES.get(`${body[0]}:${body[1]}`);
    this.commands.push(name ?? `unknown ${toHex(body.subarray(0, 2))}`);
    if (this.silent > 0) {
      this.silent -= 1;
      return;
    }
    if (this.nextStatus !== undefined) {
      const sw = this.nextStatus;
      this.nextStatus = undefined;
      return this.answer(encodeResponse(sw));
    }
    if (!name) return this.answer(encodeResponse(SW.commandError));
    if (this.fault !== undefined) return this.answer(encodeResponse(this.fault));
    switch (name) {
      case 'resetSam':
      case 'samStatus':
        return this.answer(encodeResponse(SW.ok));
      case 'readSamId':
        return this.answer(encodeResponse(SW.ok, this.o.samId ?? Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + 5) & 0xff)));
      case 'findCard':
        if (!this.card || this.halted) return this.answer(encodeResponse(SW.noCard));
        return this.answer(encodeResponse(SW.cardFound, this.o.findData === false ? [] : FIND_DATA));
      case 'selectCard':
        this.selected = this.card !== undefined && !this.halted;
        if (!this.selected) return this.answer(encodeResponse(SW.selectFailed));
        return this.answer(encodeResponse(SW.ok, this.o.selectData === false ? [] : (this.card!.serial ?? SELECT_DATA)));
      case 'readText':
      case 'readTextFingerprint': {
        if (this.readFault !== undefined) {
          const sw = this.readFault;
          this.readFault = undefined;
          return this.answer(encodeResponse(sw));
        }
        if (!this.card || !this.selected) return this.answer(encodeResponse(SW.readFailed));
        const frame = buildReadAnswer(this.card, { fingerprint: name === 'readTextFingerprint' });
        this.selected = false;
        if (this.o.haltAfterRead) this.halted = true;
        return this.answer(frame, name);
      }
      case 'readAppendedAddress':
        if (!this.card || this.halted) return this.answer(encodeResponse(SW.readFailed));
        if (this.card.newAddress === undefined) return this.answer(encodeResponse(SW.noContent));
        return this.answer(encodeResponse(SW.ok, encodeNewAddress(this.card.newAddress)), name);
    }
  }

  private answer(frame: Uint8Array, to?: CommandName): void {
    let out = frame;
    if (this.corrupt > 0 && (this.corruptOnly === undefined || this.corruptOnly === to)) {
      this.corrupt -= 1;
      out = frame.slice();
      out[out.length - 1] = out[out.length - 1]! ^ 0x5a;
    }
    if (this.garbage) {
      const g = this.garbage;
      this.garbage = undefined;
      const both = new Uint8Array(g.length + out.length);
      both.set(g, 0);
      both.set(out, g.length);
      out = both;
    }
    void this.enqueue(out);
  }

  /** Writes go out in order; with `split`, each in 1-5 random pieces with small pauses. */
  private enqueue(bytes: Uint8Array): Promise<void> {
    const job = this.writing.then(async () => {
      const link = this.link;
      if (!link) return;
      if (!this.o.split || bytes.length < 2) return link.write(bytes);
      const pieces = 1 + Math.floor(this.random() * 5);
      const cuts = Array.from({ length: pieces - 1 }, () => 1 + Math.floor(this.random() * (bytes.length - 1))).sort((a, b) => a - b);
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        if (cut <= at) continue;
        if (this.link !== link) return; // unplugged or closed mid-answer
        await link.write(bytes.subarray(at, cut));
        at = cut;
        await new Promise((r) => setTimeout(r, Math.floor(this.random() * ((this.o.maxGapMs ?? 4) + 1))));
      }
    });
    this.writing = job.catch(() => {});
    return job;
  }
}
