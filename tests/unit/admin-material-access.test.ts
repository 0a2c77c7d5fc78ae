/**
 * The admin's access log and deletion of a material (issue 15, R21): what the screen asks the
 * server, with the terminal's token in the header, and how it reads the answers.
 */
import { describe, expect, it } from 'vitest';
import { deleteBlob, fetchAccessLog } from '../../renderer/admin/materials/materialsApi';

const H = 'a'.repeat(64);
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the admin materials tab: access log and deletion', () => {
  it('deletes a file on the server with DELETE and the token in the header, never in the address', async () => {
    const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
    const r = await deleteBlob({ server: 'http://hall:8080/', token: 'tok', fetch: async (url, init) => (seen.push({ url, init }), json(200, { deleted: true })) }, H);
    expect(r).toEqual({ ok: true, value: true });
    expect(seen[0]!.url).toBe(`http://hall:8080/api/admin/materials/blobs/${H}`);
    expect(seen[0]!.init?.method).toBe('DELETE');
    expect((seen[0]!.init?.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(seen[0]!.url).not.toContain('tok');
  });

  it('reads who opened a file, refused attempts included, and refuses an answer of another shape', async () => {
    const entries = [
      { sha256: H, terminal: 'kiosk-1', role: 'kiosk', outcome: 'refused', at: 2 },
      { sha256: H, terminal: 'counter-1', role: 'counter', windowId: 'w1', staffId: 's1', outcome: 'read', at: 1 },
    ];
    const ok = await fetchAccessLog({ server: 'http://hall:8080', token: 'tok', fetch: async () => json(200, { entries }) }, H);
    expect(ok).toEqual({ ok: true, value: entries });
    const bad = await fetchAccessLog({ server: 'http://hall:8080', token: 'tok', fetch: async () => json(200, { entries: [{ who: 'x' }] }) }, H);
    expect(bad.ok).toBe(false);
    const refused = await fetchAccessLog({ server: 'http://hall:8080', token: 'tok', fetch: async () => json(403, { error: 'role-not-allowed', message: 'no', messageZh: '无权' }) }, H);
    expect(refused.ok).toBe(false);
  });
});
