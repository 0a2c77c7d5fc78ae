/**
 * Materials received at the windows (issue 8): the images of the citizens' documents, uploaded
 * by the counters in chunks (resumable, deduplicated by content hash per hall) and read by the
 * hall's counters and its back office. A hall's hub relays the files uploaded to it to central
 * by the same protocol (server/upstream/materials.ts).
 *
 *   POST /api/materials/uploads  {sha256, bytes, mime, chunkBytes}        counter, hub
 *        -> {complete, received}: complete at once when the hall holds the file; else the chunk
 *           indexes the server already has (resume: send only the others)
 *   PUT  /api/materials/uploads/:sha256/chunks/:index                     counter, hub
 *        body: the chunk's bytes (application/octet-stream), header x-chunk-sha256: its hash
 *        -> {complete, received, chunks}; 400 chunk-corrupt (nothing stored) when the bytes do
 *           not match the header; 422 blob-corrupt when the finished file does not match its
 *           hash (the partial upload is dropped); 404 upload-unknown: announce it again
 *   GET  /api/materials/blobs/:sha256                                     counter, admin
 *        -> the file, with its stored type; 404 for a hash the caller's hall does not hold
 *   GET  /api/admin/materials?day=YYYY-MM-DD | ?ticketId=...              admin
 *        -> the tickets of the day (or the one ticket) that have materials, with each file's
 *           hashes and which of them the server does not hold yet
 *
 * Who reads the images (R21: personal data). The counters of the hall (a clerk looks again at
 * what they received) and the admin role. The back office (后台审批) uses the admin role for now:
 * there is no read-only role yet, and adding one means a new entry in ROLES (shared/sync/
 * protocol.ts), in TerminalSchema's role list and in the authoring table; then it is one word
 * in MATERIAL_READERS below. Kiosks, displays and evaluators never read them: they face the
 * public. Another hall's terminal gets the same 404 as for a hash nobody holds.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MATERIAL_MIMES } from '../../../shared/events/payloads';
import type { TicketState } from '../../../shared/fold/state';
import { DaySchema } from '../../../shared/reports/report';
import { localDate } from '../../../shared/schedule/zone';
import type { Role } from '../../../shared/sync/protocol';
import {
  MATERIAL_MAX_BYTES,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  blobInfo,
  putChunk,
  readBlob,
  startUpload,
  storedHashes,
  ticketDay,
} from '../../store/materials';
import { foldOfDays } from '../../store/reportsRebuild';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

/**
 * Who may upload: the counters, and a hall's hub relaying the files its counters uploaded to it
 * (at central, a hub's token is of its own hall: what it sends lands in that hall only). A hub
 * never reads the files back: reading stays with MATERIAL_READERS.
 */
const UPLOADERS: readonly Role[] = ['counter', 'hub'];
/** Who may read the images: see the note at the top. */
export const MATERIAL_READERS: readonly Role[] = ['counter', 'admin'];

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a content hash is 64 lowercase hex digits (SHA-256)');

const UploadSchema = z.object({
  sha256: Sha256,
  bytes: z.number().int().positive().max(MATERIAL_MAX_BYTES, `a file is at most ${MATERIAL_MAX_BYTES} bytes`),
  mime: z.enum(MATERIAL_MIMES),
  chunkBytes: z.number().int().min(MIN_CHUNK_BYTES).max(MAX_CHUNK_BYTES),
});
const ChunkParams = z.object({ sha256: Sha256, index: z.coerce.number().int().min(0).max(MATERIAL_MAX_BYTES) });
const ChunkHeaders = z.object({ 'x-chunk-sha256': Sha256 });
const BlobParams = z.object({ sha256: Sha256 });
const ListQuery = z.object({ day: DaySchema.optional(), ticketId: z.string().min(3).max(80).optional() }).refine((q) => !(q.day && q.ticketId), 'give day or ticketId, not both');

const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

export function materialRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/materials/uploads', async (req) => {
    const who = await principal(ctx, req, UPLOADERS);
    const u = parse(UploadSchema, req.body);
    return startUpload(ctx.db, who, u, ctx.now());
  });

  // The raw chunk body is parsed only here (an encapsulated plugin): no other route takes bytes.
  void app.register(async (raw) => {
    raw.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES }, (_req, body, done) => done(null, body));
    raw.put('/api/materials/uploads/:sha256/chunks/:index', { bodyLimit: MAX_CHUNK_BYTES }, async (req) => {
      const who = await principal(ctx, req, UPLOADERS);
      const { sha256, index } = parse(ChunkParams, req.params, 'path');
      const chunkHash = parse(ChunkHeaders, req.headers, 'headers')['x-chunk-sha256'];
      if (!Buffer.isBuffer(req.body)) {
        return refuse(415, 'bad-content-type', 'a chunk is sent as application/octet-stream', '数据块须以 application/octet-stream 发送');
      }
      return putChunk(ctx.db, who, sha256, index, req.body, chunkHash, ctx.now());
    });
  });

  app.get('/api/materials/blobs/:sha256', async (req, reply) => {
    const who = await principal(ctx, req, MATERIAL_READERS);
    const { sha256 } = parse(BlobParams, req.params, 'path');
    const info = await blobInfo(ctx.db, who.hall, sha256);
    if (!info) return refuse(404, 'not-found', 'this hall holds no file with this hash', '未找到该文件');
    return reply
      .header('content-type', info.mime)
      .header('content-length', String(info.bytes))
      .header('content-disposition', `inline; filename="${sha256.slice(0, 16)}.${EXTENSION[info.mime] ?? 'bin'}"`)
      // Personal data (R21): never kept in a browser's or a proxy's cache; served as what it
      // was stored as, never sniffed, and a PDF opened from here runs in a sandbox.
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(Readable.from(readBlob(ctx.db, who.hall, sha256, info.bytes)));
  });

  app.get('/api/admin/materials', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const query = parse(ListQuery, req.query, 'query');
    const now = ctx.now();
    const cached = await ctx.cache.get(ctx.db, who.hall, now);
    const zone = cached.state.config.schedule.timeZone;
    const today = localDate(now, zone);
    let day = query.day ?? today;
    if (query.ticketId !== undefined) {
      const found = cached.state.tickets.get(query.ticketId)?.day ?? (await ticketDay(ctx.db, who.hall, query.ticketId));
      if (found === undefined) return refuse(404, 'unknown-ticket', `this hall has no ticket ${query.ticketId}`, '未找到该号票');
      day = found;
    }
    // Today's tickets are all in the server's live fold; another day is folded from the log as
    // the reports do (the day's events and the two after it), by the same rules.
    const state = day === today ? cached.state : (await foldOfDays(ctx.db, who.hall, day, day, zone)).fold.state;
    const tickets: TicketState[] = [];
    if (query.ticketId !== undefined) {
      const t = state.tickets.get(query.ticketId);
      if (t?.materials) tickets.push(t);
    } else {
      for (const t of state.tickets.values()) if (t.day === day && t.materials) tickets.push(t);
    }
    tickets.sort((a, b) => a.issuedAt - b.issuedAt || (a.id < b.id ? -1 : 1));
    const hashes = tickets.flatMap((t) => (t.materials ?? []).flatMap((m) => (m.pdf ? [...m.hashes, m.pdf] : m.hashes)));
    const held = await storedHashes(ctx.db, who.hall, hashes);
    return {
      day,
      tickets: tickets.map((t) => ({
        ticketId: t.id,
        number: t.number,
        serviceId: t.serviceId,
        day: t.day,
        status: t.status,
        ...(t.windowId ? { windowId: t.windowId } : {}),
        // Who served it: the back office asks the clerk who received the materials.
        ...(t.staffId ? { staffId: t.staffId } : {}),
        materials: (t.materials ?? []).map((m) => ({
          id: m.id,
          name: m.name,
          pages: m.pages,
          hashes: m.hashes,
          ...(m.pdf ? { pdf: m.pdf } : {}),
          bytes: m.bytes,
          windowId: m.windowId,
          at: m.at,
          // Files the terminal has not uploaded yet (it is offline, or still sending).
          missing: [...new Set(m.pdf ? [...m.hashes, m.pdf] : m.hashes)].filter((h) => !held.has(h)),
        })),
      })),
    };
  });
}
