import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../../electron/devices/common/errors';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import { DeviceSupervisor, type SupervisedDriver } from '../../electron/devices/common/supervisor';
import type { DeviceHealth } from '../../shared/devices/contract';

function fakeLink(): ByteLink & { unplug(): void } {
  const ev = new LinkEvents();
  return {
    description: 'fake',
    write: async () => {},
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: async () => ev.emitClose(),
    unplug: () => ev.emitClose(new Error('unplugged')),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitUntil = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
};
let sup: DeviceSupervisor | undefined;
afterEach(async () => sup?.stop());

describe('device supervisor', () => {
  it('reports a device that cannot be opened as missing once, and keeps the time it went missing', async () => {
    const health: DeviceHealth[] = [];
    let opens = 0;
    sup = new DeviceSupervisor({
      id: 'printer',
      kind: 'printer',
      open: async () => {
        opens += 1;
        throw new DeviceError('unavailable', 'not-found', { zh: '未找到设备', en: 'not found' });
      },
      driver: { attach: async () => {}, detach: () => {} },
      onHealth: (h) => health.push(h),
      baseMs: 10,
      capMs: 20,
      fallback: { zh: '可使用电子票', en: 'e-tickets still work' },
    });
    sup.start();
    await waitUntil(() => opens >= 4);
    const missing = health.filter((h) => h.state === 'missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message.en).toMatch(/e-tickets still work/);
  });

  it('a failed attach closes only its own link and never runs two connects at once', async () => {
    let attaches = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const driver: SupervisedDriver = {
      attach: async () => {
        attaches += 1;
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(5);
        concurrent -= 1;
        if (attaches < 3) throw new DeviceError('timeout', 'timeout', { zh: '无响应', en: 'no answer' });
      },
      detach: () => {},
    };
    const health: DeviceHealth[] = [];
    sup = new DeviceSupervisor({ id: 'card', kind: 'card-reader', open: async () => fakeLink(), driver, onHealth: (h) => health.push(h), baseMs: 5, capMs: 10 });
    sup.start();
    await waitUntil(() => sup!.health.state === 'ok');
    expect(attaches).toBe(3);
    expect(maxConcurrent).toBe(1);
  });

  it('unplugged, it reports missing and reconnects when the device is back', async () => {
    const links: Array<ReturnType<typeof fakeLink>> = [];
    sup = new DeviceSupervisor({
      id: 'led',
      kind: 'led',
      open: async () => {
        const l = fakeLink();
        links.push(l);
        return l;
      },
      driver: { attach: async () => {}, detach: () => {} },
      onHealth: () => {},
      baseMs: 5,
      capMs: 10,
    });
    sup.start();
    await waitUntil(() => sup!.health.state === 'ok');
    links[0]!.unplug();
    expect(sup.health).toMatchObject({ state: 'missing', code: 'disconnected' });
    await waitUntil(() => sup!.health.state === 'ok');
    expect(links.length).toBe(2);
  });

  it('one lost heartbeat is noise; two in a row reopen the link; success does not clear a fault the driver reported', async () => {
    let answer = true;
    let failedBeats = 0;
    let linksAtFirstMiss = 0;
    let missesBeforeReopen = -1;
    const links: Array<ReturnType<typeof fakeLink>> = [];
    const waitFor = async (cond: () => boolean) => {
      const end = Date.now() + 5000;
      while (!cond()) {
        if (Date.now() > end) throw new Error('timed out');
        await sleep(2);
      }
    };
    sup = new DeviceSupervisor({
      id: 'card',
      kind: 'card-reader',
      open: async () => {
        if (links.length === 1) missesBeforeReopen = failedBeats;
        const l = fakeLink();
        links.push(l);
        return l;
      },
      driver: {
        attach: async () => {},
        detach: () => {},
        heartbeat: async () => {
          if (answer) return;
          failedBeats += 1;
          if (failedBeats === 1) linksAtFirstMiss = links.length;
          throw new Error('no answer');
        },
      },
      onHealth: () => {},
      heartbeatMs: 20,
      baseMs: 5,
      capMs: 10,
    });
    sup.start();
    await waitFor(() => links.length === 1 && sup!.health.state === 'ok');
    sup.fault(new DeviceError('status', 'sw-60', { zh: 'SAM 自检失败', en: 'SAM self-test failed' }, '60'));
    await sleep(50); // a few good heartbeats
    expect(sup.health).toMatchObject({ state: 'fault', code: 'sw-60' });
    answer = false;
    await waitFor(() => links.length > 1);
    // The first lost answer left the link alone; it was reopened after the second.
    expect(linksAtFirstMiss).toBe(1);
    expect(missesBeforeReopen).toBe(2);
  });
});
