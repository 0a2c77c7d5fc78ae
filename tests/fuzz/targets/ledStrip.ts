/**
 * The LED strip driver: show() any text, over a link that sometimes fails or goes away. It
 * settles within its write timeout plus the frame gap, rejects only with a DeviceError, and
 * every frame it writes reads back (on the strip's side) as the text it was asked to show.
 */
import { DeviceError } from '../../../electron/devices/common/errors';
import { Ff68Framer } from '../../../electron/devices/evaluator/ff68';
import { ff68Digits, ff68Shown } from '../../../electron/devices/led/ff68Display';
import { LedFrameParser, resolveLedFrame } from '../../../electron/devices/led/frame';
import { LedStrip } from '../../../electron/devices/led/strip';
import type { FuzzTarget } from '../engine';
import { FuzzLink } from '../fakeLink';
import { ledSpec } from './framers';
import { settles } from './settle';
import { randomText } from './text';

export const ledStrip: FuzzTarget = {
  name: 'led.strip',
  weight: 2,
  virtualTime: true,
  async run(ctx) {
    const { rng } = ctx;
    const digits = rng.chance(0.25);
    const spec = digits ? resolveLedFrame('ff68-digits', 1) : ledSpec(ctx);
    const link = new FuzzLink((err) => ctx.fail('crash', String(err)));
    const writeTimeoutMs = rng.pick([500, 2000]);
    const strip = new LedStrip({ frame: digits ? 'ff68-digits' : { ...spec, address: spec.address }, address: 1, openLink: async () => link, writeTimeoutMs });
    await strip.attach(link);
    const shown: string[] = [];
    for (let k = rng.range(1, 4); k > 0; k--) {
      const text = digits && rng.chance(0.5) ? `请A${rng.range(0, 9999)}号到${rng.range(1, 30)}号窗口` : randomText(rng, 0, 30, spec.encoding === 'ascii');
      ctx.note('text', JSON.stringify(text));
      if (rng.chance(0.1)) link.failWrites = new DeviceError('transport', 'write-failed', { zh: '写入失败', en: 'write failed' });
      if (rng.chance(0.05)) strip.detach();
      const w = await settles(ctx, 'show()', strip.show(text), writeTimeoutMs + spec.gapMs + 1000);
      if (w.settled && w.error === undefined) shown.push(text);
      link.failWrites = undefined;
    }
    const bytes = new Uint8Array(link.written.flatMap((b) => Array.from(b)));
    const got = digits ? new Ff68Framer().push(bytes).map((f) => ff68Shown(f)) : new LedFrameParser(spec, {}, 1 << 16).push(bytes).map((p) => p.text);
    const want = digits ? shown.map((t) => ff68Digits(t).map((d) => (d === 0x0a ? ' ' : String(d))).join('')) : shown;
    if (JSON.stringify(got) !== JSON.stringify(want)) ctx.fail('wrong', `the strip read ${JSON.stringify(got)} for the texts shown ${JSON.stringify(want)}`);
    strip.detach();
  },
};
