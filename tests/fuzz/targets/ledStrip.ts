/**
 * The LED strip driver: show() any text, over a link that sometimes fails or goes away. It
 * settles within its write timeout plus the frame gap, rejects only with a DeviceError, and
 * every frame it writes reads back (on the strip's side) as the text it was asked to show.
 */
import { DeviceError } from '../../../electron/devices/common/errors';
import { LedFrameParser } from '../../../electron/devices/led/frame';
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
    const spec = ledSpec(ctx);
    const link = new FuzzLink((err) => ctx.fail('crash', String(err)));
    const writeTimeoutMs = rng.pick([500, 2000]);
    const strip = new LedStrip({ frame: { ...spec, address: spec.address }, openLink: async () => link, writeTimeoutMs });
    await strip.attach(link);
    const shown: string[] = [];
    for (let k = rng.range(1, 4); k > 0; k--) {
      const text = randomText(rng, 0, 30, spec.encoding === 'ascii');
      ctx.note('text', JSON.stringify(text));
      if (rng.chance(0.1)) link.failWrites = new DeviceError('transport', 'write-failed', { zh: '写入失败', en: 'write failed' });
      if (rng.chance(0.05)) strip.detach();
      const w = await settles(ctx, 'show()', strip.show(text), writeTimeoutMs + spec.gapMs + 1000);
      if (w.settled && w.error === undefined) shown.push(text);
      link.failWrites = undefined;
    }
    const parsed = new LedFrameParser(spec, {}, 1 << 16).push(new Uint8Array(link.written.flatMap((b) => Array.from(b))));
    const got = parsed.map((p) => p.text);
    if (JSON.stringify(got) !== JSON.stringify(shown)) ctx.fail('wrong', `the strip read ${JSON.stringify(got)} for the texts shown ${JSON.stringify(shown)}`);
    strip.detach();
  },
};
