/**
 * The ID card reader driver against a fuzzed reader: every command it writes is answered with
 * what a real reader answers (sometimes with the data real readers add), and often damaged:
 * mutated, cut, late, lost, doubled, garbage around it, unsolicited frames. The driver must
 * attach or fail with a DeviceError in time, keep polling whatever comes back, deliver only
 * valid cards, never log personal data, and leave nothing behind when detached.
 */
import { CardReaderDriver, DEFAULT_TIMEOUTS } from '../../../electron/devices/cardReader/driver';
import { CMD, HEADER_BYTES, MAX_LEN, MIN_COMMAND_LEN, PREAMBLE, SamFramer, SW, encodeResponse } from '../../../electron/devices/cardReader/frames';
import { buildReadAnswer, encodeNewAddress, SAMPLE_CARDS, type SimCard } from '../../../electron/devices/sim/cardReaderSim';
import { DeviceError } from '../../../electron/devices/common/errors';
import { superviseCardReader } from '../../../electron/devices/cardReader/index';
import { CardReaderSchema } from '../../../electron/devices/config';
import { DeviceEventSchema, DeviceHealthSchema } from '../../../shared/devices/contract';
import { CardReadSchema } from '../../../shared/identity';
import type { FuzzTarget, IterationContext } from '../engine';
import { FuzzLink } from '../fakeLink';
import { chunk, mutateFrames, MUTATIONS } from '../mutate';
import { settles } from './settle';

const KEY = 'fuzz-hall-key-0123456789abcdef';
const CARDS: SimCard[] = Object.values(SAMPLE_CARDS);
const NAMES = new Map(Object.entries(CMD).map(([name, [c, p]]) => [`${c}:${p}`, name]));
const shape = { length: { at: 5, size: 2 as const }, checksumAt: -1, marks: [...PREAMBLE] };

/** UCS-2LE hex (as toHex prints it) of the first characters of a text: how it would leak from a dump. */
function ucs2Hex(s: string, chars = 3): string {
  return Array.from(s.slice(0, chars))
    .flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(' ');
}

/** A reader as the fuzzer plays it: real answers to each command, damaged with probability `damage`. */
function fuzzReader(ctx: IterationContext, damage: number, getCard: () => SimCard | undefined, setCard: (c: SimCard | undefined) => void) {
  const { rng } = ctx;
  const answerFor = (name: string | undefined): Uint8Array => {
    switch (name) {
      case 'resetSam':
      case 'samStatus':
        return encodeResponse(rng.chance(0.03) ? SW.samSelfTestFailed : SW.ok);
      case 'readSamId':
        return encodeResponse(SW.ok, rng.bytes(16));
      case 'findCard':
        return getCard() ? encodeResponse(SW.cardFound, rng.chance(0.5) ? rng.bytes(4) : []) : encodeResponse(SW.noCard);
      case 'selectCard':
        return getCard() ? encodeResponse(SW.ok, rng.chance(0.5) ? rng.bytes(8) : []) : encodeResponse(SW.selectFailed);
      case 'readText':
      case 'readTextFingerprint':
        return getCard() ? buildReadAnswer(getCard()!, { fingerprint: name === 'readTextFingerprint' }) : encodeResponse(SW.readFailed);
      case 'readAppendedAddress':
        return getCard() && rng.chance(0.5) ? encodeResponse(SW.ok, encodeNewAddress('北京市海淀区中关村大街27号')) : encodeResponse(getCard() ? SW.noContent : SW.readFailed);
      default:
        return encodeResponse(SW.commandError);
    }
  };
  const serve = (link: FuzzLink, onWrite: () => void) => {
    const cmds = new SamFramer({ minLen: MIN_COMMAND_LEN });
    link.responder = (bytes) => {
      onWrite();
      if (rng.chance(0.05)) setCard(getCard() ? undefined : rng.pick(CARDS)); // the citizen puts a card down / takes it away
      for (const f of cmds.push(bytes)) {
        const name = NAMES.get(`${f.body[0]}:${f.body[1]}`);
        const answer = answerFor(name);
        if (!rng.chance(damage)) {
          link.send(chunk(rng, answer, rng.chance(0.7) ? 'whole' : 'random'), rng.range(1, 30), rng.int(3));
          continue;
        }
        const what = rng.int(6);
        if (what === 0) continue; // lost
        if (what === 1) {
          // Late: after the command's timeout (it then arrives as a stray answer).
          link.send([answer], rng.range(100, 4000));
          continue;
        }
        if (what === 2) {
          link.send([answer, answer], rng.range(1, 30)); // doubled
          continue;
        }
        const m = mutateFrames(rng, [answer], shape, [answerFor(rng.pick([...NAMES.values()]))], rng.weighted(MUTATIONS));
        ctx.note(`answer to ${name} (${m.mutation})`, m.bytes);
        link.send(chunk(rng, m.bytes, m.bytes.length > 64 ? rng.pick(['whole', 'random'] as const) : rng.pick(['whole', 'random', 'bytewise'] as const)), rng.range(1, 30), rng.int(2));
      }
    };
  };
  return { serve };
}

export const cardDriver: FuzzTarget = {
  name: 'card.driver',
  weight: 6,
  virtualTime: true,
  async run(ctx) {
    const { rng, clock } = ctx;
    const link = new FuzzLink((err) => ctx.fail('crash', `the driver's data listener threw: ${String(err)}`));
    const timeouts = rng.chance(0.5) ? DEFAULT_TIMEOUTS : { samMs: 100, resetMs: 200, findMs: 100, readMs: 500 };
    const pollMs = rng.pick([50, 200, 1000]);
    const withFingerprint = rng.chance(0.3);
    const damage = rng.pick([0, 0.05, 0.2, 0.5, 1]);
    let card: SimCard | undefined = rng.chance(0.5) ? rng.pick(CARDS) : undefined;
    const personal = CARDS.flatMap((c) =>
      (['idNumber', 'name', 'chineseName', 'passNumber'] as const).flatMap((field) => {
        const v = c[field];
        return v ? [{ what: `${c.cardType} ${field}`, s: v }, { what: `${c.cardType} ${field} (as UCS-2 hex)`, s: ucs2Hex(v) }] : [];
      }),
    );
    const writeTimes: number[] = [];
    const began = clock.now;
    let cardsRead = 0;
    let detached = false;
    let writesAfterDetach = 0;

    const reader = fuzzReader(ctx, damage, () => card, (c) => (card = c));
    reader.serve(link, () => {
      writeTimes.push(clock.now);
      if (detached) writesAfterDetach += 1;
    });

    const driver = new CardReaderDriver({
      hallKey: KEY,
      pollMs,
      withFingerprint,
      readNewAddress: rng.chance(0.3),
      timeouts,
      now: () => new Date(clock.now),
      onCard: (read) => {
        cardsRead += 1;
        const ok = CardReadSchema.safeParse(read);
        if (!ok.success) ctx.fail('wrong', `onCard got a CardRead its schema refuses: ${ok.error.issues[0]?.message}`);
      },
      log: (_level, message) => {
        const hit = personal.find((p) => message.includes(p.s));
        if (hit) ctx.fail('wrong', `R21: a log line carries personal data (the ${hit.what}): ${message.slice(0, 40)}…`);
      },
    });

    const framer = (driver as unknown as { framer: SamFramer }).framer;
    link.afterDeliver = () => ctx.buffer(framer.pending, HEADER_BYTES + MAX_LEN - 1);
    const attachLimit = timeouts.resetMs + 2 * timeouts.samMs + 500;
    const attached = await settles(ctx, 'attach()', driver.attach(link), attachLimit);
    if (attached.settled && attached.error === undefined) {
      // The poll loop must keep asking, whatever the answers: never quiet for longer than one
      // poll plus the longest exchange (find, select, read) plus recovery.
      const runFor = rng.range(1, 3) * (pollMs + timeouts.readMs);
      const from = clock.now;
      const heartbeat = rng.chance(0.3) ? driver.heartbeat() : undefined;
      heartbeat?.catch(() => {});
      await clock.advance(runFor);
      const times = [from, ...writeTimes.filter((t) => t >= from), clock.now];
      const maxQuiet = pollMs + timeouts.findMs * 2 + timeouts.readMs + timeouts.resetMs + timeouts.samMs + 500;
      for (let k = 1; k < times.length; k++) {
        if (times[k]! - times[k - 1]! > maxQuiet) {
          ctx.fail('hang', `the poll loop went quiet for ${times[k]! - times[k - 1]!} ms (virtual; at most ${maxQuiet} expected)`);
          break;
        }
      }
    }
    if (process.env.FUZZ_DEBUG) console.error(`card.driver: ${writeTimes.length} commands, ${cardsRead} cards, attach ${attached.error ? 'failed' : 'ok'}, damage ${damage}, virtual ${clock.now - began} ms`);
    driver.detach();
    detached = true;
    await clock.advance(pollMs * 3 + timeouts.readMs);
    if (writesAfterDetach > 0) ctx.fail('wrong', `${writesAfterDetach} commands written after detach()`);
    if (link.listeners !== 0) ctx.fail('wrong', `${link.listeners} data listeners left on the link after detach()`);
  },
};

/**
 * The card reader as a terminal runs it: under its DeviceSupervisor (superviseCardReader), with
 * links that fail to open, get unplugged and carry a fuzzed reader. Every health report and
 * every event to the screens passes the contract's schema, none carries personal data, and
 * stop() settles and silences the reader.
 */
export const cardSupervised: FuzzTarget = {
  name: 'card.supervised',
  weight: 3,
  virtualTime: true,
  async run(ctx) {
    const { rng, clock } = ctx;
    const damage = rng.pick([0, 0.1, 0.5, 1]);
    let card: SimCard | undefined = rng.chance(0.5) ? rng.pick(CARDS) : undefined;
    const reader = fuzzReader(ctx, damage, () => card, (c) => (card = c));
    const personal = CARDS.flatMap((c) => [c.idNumber, c.name, c.chineseName, c.passNumber, c.idNumber && ucs2Hex(c.idNumber)].filter((s): s is string => !!s));
    const leaks = (text: string) => personal.find((p) => text.includes(p));
    const links: FuzzLink[] = [];
    let stopped = false;
    let writesAfterStop = 0;
    const { supervisor } = superviseCardReader(CardReaderSchema.parse({ port: { path: '/dev/ttyFUZZ' }, pollMs: rng.pick([200, 1000]), readNewAddress: rng.chance(0.5) }), {
      hallKey: KEY,
      toScreens: (e) => {
        const r = DeviceEventSchema.safeParse(e);
        if (!r.success) ctx.fail('wrong', `an event to the screens the contract refuses: ${r.error.issues[0]?.message}`);
        if (e.type === 'card' && leaks(JSON.stringify(e))) ctx.fail('wrong', 'R21: a card event to the screens carries the full name or number');
      },
      onHealth: (h) => {
        const r = DeviceHealthSchema.safeParse(h);
        if (!r.success) ctx.fail('wrong', `a health report the contract refuses: ${r.error.issues[0]?.message}`);
        if (leaks(JSON.stringify(h))) ctx.fail('wrong', `R21: a health report carries personal data (${h.code})`);
      },
      log: (_level, message) => {
        if (leaks(message)) ctx.fail('wrong', `R21: a log line carries personal data: ${message.slice(0, 40)}…`);
      },
      heartbeatMs: rng.pick([500, 5000]),
      baseMs: 100,
      capMs: 2000,
      timeouts: { samMs: 100, resetMs: 200, findMs: 100, readMs: 500 },
      now: () => new Date(clock.now),
      open: async () => {
        if (rng.chance(0.15)) throw new DeviceError('transport', 'open-failed', { zh: '无法打开', en: 'cannot open /dev/ttyFUZZ' });
        const link = new FuzzLink((err) => ctx.fail('crash', `the driver's data listener threw: ${String(err)}`));
        reader.serve(link, () => {
          if (stopped) writesAfterStop += 1;
        });
        links.push(link);
        return link;
      },
    });
    supervisor.start();
    for (let k = rng.range(1, 4); k > 0; k--) {
      await clock.advance(rng.range(300, 4000));
      if (rng.chance(0.4)) links.at(-1)?.unplug(new Error('unplugged'));
    }
    await clock.advance(3000);
    if (!['ok', 'fault', 'missing', 'connecting'].includes(supervisor.health.state)) ctx.fail('wrong', `health state ${supervisor.health.state}`);
    if (process.env.FUZZ_DEBUG) console.error(`card.supervised: ${links.length} links, ${links.reduce((n, l) => n + l.written.length, 0)} commands, health ${supervisor.health.state} ${supervisor.health.code ?? ''}`);
    await settles(ctx, 'stop()', supervisor.stop(), 2000);
    stopped = true;
    await clock.advance(10_000);
    if (writesAfterStop > 0) ctx.fail('wrong', `${writesAfterStop} commands written after stop()`);
  },
};
