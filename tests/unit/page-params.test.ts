import { describe, expect, it } from 'vitest';
import { readPageParams } from '../../renderer/app/params';

describe('a terminal page address', () => {
  it('names the terminal, its code, its servers in order and the device host', () => {
    const r = readPageParams('http://hub.local:8080/kiosk/?terminal=kiosk-1&code=ABCDEFGH&server=http://hub.local:8080&server=https://central.example&devices=ws://127.0.0.1:9000&dt=0123456789');
    expect(r.ok && r.params).toEqual({
      terminal: 'kiosk-1',
      code: 'ABCDEFGH',
      servers: ['http://hub.local:8080', 'https://central.example'],
      devices: 'ws://127.0.0.1:9000',
      dt: '0123456789',
      demo: false,
    });
  });

  it('without a server, the page talks to the server it came from', () => {
    const r = readPageParams('http://10.0.0.5:8080/display/?terminal=display-1');
    expect(r.ok && r.params.servers).toEqual(['http://10.0.0.5:8080']);
  });

  it('a bad address says so in both languages instead of starting half-configured', () => {
    for (const href of ['http://h/kiosk/', 'http://h/kiosk/?terminal=Kiosk_1', 'http://h/kiosk/?terminal=k1&server=ftp://x', 'http://h/kiosk/?terminal=k1&devices=http://x']) {
      const r = readPageParams(href);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message.zh).toContain('信息管理员');
        expect(r.message.en).toContain('hall IT');
      }
    }
  });
});
