/**
 * Issue 16: a window display protocol as published (the FF 68 bus digit display of an
 * open-source queue system; tests/fixtures/devices/led/): the strip driver sends, for the
 * counter's texts, exactly the frames the source sends for a called ticket; the display
 * simulator shows what those frames show and refuses damaged ones.
 */
import { describe, expect, it } from 'vitest';
import { LedSchema } from '../../electron/devices/config';
import { createLedStrip, ff68Shown } from '../../electron/devices/led';
import { Ff68Framer } from '../../electron/devices/evaluator/ff68';
import { hex, loadTrace, replayLink } from '../fixtures/devices/traces';

const fx = loadTrace<{
  address: number;
  published: Array<{ name: string; bytes: string; shows: string }>;
  strip: Array<{ text: string; bytes: string; shows: string }>;
  damaged: Array<{ name: string; bytes: string }>;
}>('led', 'ff68-display.json');

const h = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?=.)/g, '$1 ');
const strip = () => createLedStrip(LedSchema.parse({ id: 'window-3-led', port: { path: '/dev/ttyS2' }, frame: 'ff68-digits', address: fx.address }));

describe('FF 68 window display', () => {
  it('a called ticket goes out as the published SendTicket frame, byte for byte', () => {
    expect(h(strip().frame('请A023号到3号窗口'))).toBe(fx.published[0]!.bytes);
  });

  it.each(fx.strip.map((t) => [t.text || '(empty)', t] as const))('strip text %s → the frame the display shows as %j', async (_, t) => {
    const s = strip();
    const link = replayLink();
    await s.attach(link);
    await s.show(t.text);
    expect(link.written.map(h)).toEqual([t.bytes]);
    const [f] = new Ff68Framer().push(link.written[0]!);
    expect(ff68Shown(f!)).toBe(t.shows);
  });

  it.each(fx.published.map((t) => [t.name, t] as const))('the display reads the published %s', (_, t) => {
    const [f] = new Ff68Framer().push(hex(t.bytes));
    expect(ff68Shown(f!)).toBe(t.shows);
  });

  it.each(fx.damaged.map((t) => [t.name, t] as const))('damaged: %s is never shown', (_, t) => {
    const discards: string[] = [];
    const frames = new Ff68Framer({ onDiscard: (_h, why) => discards.push(why) }).push(hex(t.bytes));
    expect(frames.map((f) => ff68Shown(f)).filter((x) => x !== undefined)).toEqual([]);
  });
});
