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
 *           hashes, which of them the server does not hold yet, and which were deleted
 *   GET  /api/admin/materials/access?sha256=...&day=...                   admin
 *        -> who opened which file (issue 15): terminal, role, window, clerk, time, outcome
 *   DELETE /api/admin/materials/blobs/:sha256                             admin, hub
 *        -> {deleted}: the file, its upload and its relay record go for good (a hub deletes in
 *           its own hall: how a deletion at the hub reaches central)
 *
 * Availability (issue 15, finding 7): the upload work runs in its own queue (server/materials/
 * uploadGate.ts: one job at a time, the queue's requests first, bounded: 429 + Retry-After),
 * under quotas per terminal and per hall (server/materials/quotas.ts: 429 / 413); on PGlite the
 * bytes go to files, never through the database (server/materials/blobFiles.ts).
 *
 * Who reads the images (R21: personal data). The counters of the hall (a clerk looks again at
 * what they received) and the admin role. The back office (后台审批) uses the admin role for now:
 * there is no read-only role yet, and adding one means a new entry in ROLES (shared/sync/
 * protocol.ts), in TerminalSchema's role list and in the authoring table; then it is one word
 * in MATERIAL_READERS below. Kiosks, displays and evaluators never read them: they face the
 * public. Another hall's terminal gets the same 404 as for a hash nobody holds.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MATERIAL_MIMES } from '../../../shared/events/payloads';
import type { TicketState } from '../../../shared/fold/state';
import { DaySchema } from '../../../shared/reports/report';
import { addDays, localDate, zonedTimeToUtc } from '../../../shared/schedule/zone';
import type { Role } from '../../../shared/sync/protocol';
import { accessLog, recordAccess } from '../../materials/accessLog';
import { blobFilesFor } from '../../materials/blobFiles';
import { putChunkToFiles } from '../../materials/fileChunks';
import { checkQuotas, quotasFromEnv } from '../../materials/quotas';
import { deleteMaterialFile, hallsWithMaterials, isDeleted, sweepHall } from '../../materials/retention';
import { UploadBusyError, UploadGate, gateLimitsFromEnv } from '../../materials/uploadGate';
import type { Principal } from '../../store/events';
import {
  MATERIAL_MAX_BYTES,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  blobExists,
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

const AccessQuery = z.object({ sha256: Sha256.optional(), day: DaySchema.optional(), limit: z.coerce.number().int().min(1).max(2000).default(500) });

const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/** How often the retention sweep runs (and once shortly after start). */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/** The upload queue of each server (tests read its counters). */
export const uploadGates = new WeakMap<ServerContext, UploadGate>();

/** Set Retry-After on a 429 from the upload queue or a quota, and answer it. */
async function gated<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UploadBusyError) void reply.header('retry-after', String(e.retryAfterS));
    throw e;
  }
}

export function materialRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const files = blobFilesFor(ctx.db);
  const quotas = quotasFromEnv();
  const gate = new UploadGate(gateLimitsFromEnv());
  uploadGates.set(ctx, gate);
  gate.watch(app, (url) => url.startsWith('/api/materials/'));

  app.post('/api/materials/uploads', async (req, reply) => {
    const who = await principal(ctx, req, UPLOADERS);
    const u = parse(UploadSchema, req.body);
    return gated(reply, () =>
      gate.run(who, async () => {
        const now = ctx.now();
        // Deleted here (retention or the admin): never stored again; the terminal drops its copy.
        if (await isDeleted(ctx.db, who.hall, u.sha256)) return { complete: true, received: [] };
        if (!(await blobExists(ctx.db, who.hall, u.sha256))) await checkQuotas(ctx.db, who, u.sha256, u.bytes, now, quotas);
        return startUpload(ctx.db, who, u, now, files);
      }),
    );
  });

  // The raw chunk body is parsed only here (an encapsulated plugin): no other route takes bytes.
  void app.register(async (raw) => {
    raw.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES }, (_req, body, done) => done(null, body));
    raw.put('/api/materials/uploads/:sha256/chunks/:index', { bodyLimit: MAX_CHUNK_BYTES }, async (req, reply) => {
      const who = await principal(ctx, req, UPLOADERS);
      const { sha256, index } = parse(ChunkParams, req.params, 'path');
      const chunkHash = parse(ChunkHeaders, req.headers, 'headers')['x-chunk-sha256'];
      const body = req.body;
      if (!Buffer.isBuffer(body)) {
        return refuse(415, 'bad-content-type', 'a chunk is sent as application/octet-stream', '数据块须以 application/octet-stream 发送');
      }
      return gated(reply, () =>
        gate.run(who, async () => {
          if (await isDeleted(ctx.db, who.hall, sha256)) return { complete: true, received: 0, chunks: 0 };
          return files ? putChunkToFiles(ctx.db, files, who, sha256, index, body, chunkHash, ctx.now()) : putChunk(ctx.db, who, sha256, index, body, chunkHash, ctx.now());
        }),
      );
    });
  });

  app.get('/api/materials/blobs/:sha256', async (req, reply) => {
    // Every read is recorded, refused ones too (server/materials/accessLog.ts): so the role is
    // checked here, after the caller is known.
    const who = await principal(ctx, req);
    const { sha256 } = parse(BlobParams, req.params, 'path');
    const now = ctx.now();
    if (!MATERIAL_READERS.includes(who.role)) {
      await recordAccess(ctx.db, who, sha256, 'refused', now);
      return refuse(403, 'role-not-allowed', `a ${who.role} terminal may not do this (needs ${MATERIAL_READERS.join(' or ')})`, '该终端无权进行此操作');
    }
    const info = await blobInfo(ctx.db, who.hall, sha256);
    if (!info) {
      await recordAccess(ctx.db, who, sha256, 'not-found', now);
      return refuse(404, 'not-found', 'this hall holds no file with this hash', '未找到该文件');
    }
    await recordAccess(ctx.db, who, sha256, 'read', now, await clerkAt(ctx, who, now));
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

  app.get('/api/admin/materials/access', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const q = parse(AccessQuery, req.query, 'query');
    let from: number | undefined;
    let to: number | undefined;
    if (q.day) {
      const zone = (await ctx.cache.get(ctx.db, who.hall, ctx.now())).state.config.schedule.timeZone;
      [from, to] = dayBounds(q.day, zone);
    }
    const entries = await accessLog(ctx.db, who.hall, { ...(q.sha256 ? { sha256: q.sha256 } : {}), ...(from !== undefined ? { from, to } : {}), limit: q.limit });
    return { entries };
  });

  app.delete('/api/admin/materials/blobs/:sha256', async (req) => {
    const who = await principal(ctx, req, ['admin', 'hub']);
    const { sha256 } = parse(BlobParams, req.params, 'path');
    const deleted = await deleteMaterialFile(ctx.db, files, who.hall, sha256, who.role === 'hub' ? 'upstream' : 'admin', who.terminalId, ctx.now());
    return { deleted };
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
    const deleted = await deletedHashes(ctx.db, who.hall, hashes);
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
          missing: [...new Set(m.pdf ? [...m.hashes, m.pdf] : m.hashes)].filter((h) => !held.has(h) && !deleted.has(h)),
          // Files deleted on this server (retention or the admin): gone for good.
          deleted: [...new Set(m.pdf ? [...m.hashes, m.pdf] : m.hashes)].filter((h) => deleted.has(h)),
        })),
      })),
    };
  });

  startRetentionSweep(app, ctx);
}

/** The clerk signed in at the counter's window, when the server's fold knows one. */
async function clerkAt(ctx: ServerContext, who: Principal, now: number): Promise<string | undefined> {
  if (!who.windowId) return undefined;
  try {
    return (await ctx.cache.get(ctx.db, who.hall, now)).state.windows.get(who.windowId)?.staffId;
  } catch {
    return undefined;
  }
}

async function deletedHashes(q: ServerContext['db'], hall: string, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const r = await q.query<{ sha256: string }>('SELECT sha256 FROM material_deletions WHERE hall = $1 AND sha256 = ANY($2::text[])', [hall, [...new Set(hashes)]]);
  return new Set(r.rows.map((x) => x.sha256));
}

/** A local day's start and end (ms) in the hall's zone. */
function dayBounds(day: string, zone: string): [number, number] {
  return [zonedTimeToUtc(day, 0, zone), zonedTimeToUtc(addDays(day, 1), 0, zone)];
}

/** One round of the retention sweep: every hall with files on this server, by its own policy. */
export async function sweepMaterials(ctx: ServerContext): Promise<Array<{ hall: string; idCopies: number; others: number }>> {
  const files = blobFilesFor(ctx.db);
  const now = ctx.now();
  const out: Array<{ hall: string; idCopies: number; others: number }> = [];
  for (const hall of await hallsWithMaterials(ctx.db)) {
    const policy = (await ctx.cache.get(ctx.db, hall, now)).state.config.policy;
    out.push({ hall, ...(await sweepHall(ctx.db, files, hall, policy, now)) });
  }
  return out;
}

/** The retention sweep, hourly and once soon after start. */
export function startRetentionSweep(app: FastifyInstance, ctx: ServerContext): void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      for (const r of await sweepMaterials(ctx)) {
        if (r.idCopies + r.others > 0) app.log.info(r, 'material retention: files past the hall retention deleted');
      }
    } catch (err) {
      app.log.warn({ err }, 'material retention sweep failed; next round in an hour');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void round(), 10_000);
  const timer = setInterval(() => void round(), RETENTION_SWEEP_MS);
  first.unref();
  timer.unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    clearInterval(timer);
  });
}
