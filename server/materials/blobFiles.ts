/**
 * Material bytes in files (issue 15, finding 7): on an embedded database (PGlite, a hub), the
 * images of the citizens' documents are written to files beside the database, never into it.
 *
 * Why: PGlite is PostgreSQL compiled to WASM, running on the server's own event loop, one
 * statement at a time. Measured on the reference machine, one 1 MiB bytea parameter costs
 * 2-3 s to insert (PGlite encodes it as hex text byte by byte; 250 ms even with a fast
 * encoder), reading it back 400 ms, and assembling a 20 MiB file 3 s: during each of those
 * the event loop is blocked and every ticket, call and /health waits. File I/O runs on libuv's
 * thread pool instead: the event loop stays free, and the database keeps only the small rows
 * (what was announced, which chunks arrived, who uploaded, when).
 *
 * On PostgreSQL (central) the bytes stay in the database as before: the database is another
 * process, node-postgres sends a Buffer as binary, and several instances share one database
 * (files on one instance's disk would not be seen by the others).
 *
 * Layout: <dir>/<hall as hex>/blobs/<sha256> and <dir>/<hall as hex>/chunks/<sha256>/<index>.
 * The hall is hex-encoded and the hash is checked to be 64 hex digits, so no name from a
 * request can leave the directory. A finished file is written under a temporary name and
 * renamed: a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Queryable } from '../db/db';

const SHA = /^[0-9a-f]{64}$/;

export class BlobFiles {
  constructor(readonly dir: string) {}

  private hallDir(hall: string): string {
    return join(this.dir, Buffer.from(hall, 'utf8').toString('hex'));
  }

  private check(sha256: string): void {
    if (!SHA.test(sha256)) throw new Error(`not a content hash: ${sha256.slice(0, 80)}`);
  }

  blobPath(hall: string, sha256: string): string {
    this.check(sha256);
    return join(this.hallDir(hall), 'blobs', sha256);
  }

  chunkDir(hall: string, sha256: string): string {
    this.check(sha256);
    return join(this.hallDir(hall), 'chunks', sha256);
  }

  chunkPath(hall: string, sha256: string, index: number): string {
    if (!Number.isInteger(index) || index < 0) throw new Error(`not a chunk index: ${index}`);
    return join(this.chunkDir(hall, sha256), String(index));
  }

  async writeChunk(hall: string, sha256: string, index: number, data: Uint8Array): Promise<void> {
    await mkdir(this.chunkDir(hall, sha256), { recursive: true });
    const path = this.chunkPath(hall, sha256, index);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.part`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  readChunk(hall: string, sha256: string, index: number): Promise<Buffer> {
    return readFile(this.chunkPath(hall, sha256, index));
  }

  /** The chunks (in order) concatenated into the blob's file, written whole then renamed. */
  async assemble(hall: string, sha256: string, chunks: number): Promise<void> {
    const path = this.blobPath(hall, sha256);
    await mkdir(join(this.hallDir(hall), 'blobs'), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.part`;
    const out = await open(tmp, 'w');
    try {
      for (let i = 0; i < chunks; i++) await out.write(await this.readChunk(hall, sha256, i));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
  }

  async dropChunks(hall: string, sha256: string): Promise<void> {
    await rm(this.chunkDir(hall, sha256), { recursive: true, force: true });
  }

  async dropChunk(hall: string, sha256: string, index: number): Promise<void> {
    await unlink(this.chunkPath(hall, sha256, index)).catch(() => undefined);
  }

  async dropBlob(hall: string, sha256: string): Promise<void> {
    await unlink(this.blobPath(hall, sha256)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** `length` bytes from byte `from`; undefined when there is no such file. */
  async readSlice(hall: string, sha256: string, from: number, length: number): Promise<Buffer | undefined> {
    let fh;
    try {
      fh = await open(this.blobPath(hall, sha256), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, from);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** Every file under the hall (tests: nothing is left after a deletion). */
  async listHall(hall: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (d: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
        else out.push(`${rel}${e.name}`);
      }
    };
    await walk(this.hallDir(hall), '');
    return out;
  }
}

/** The file store of each database that keeps its material bytes in files (PGlite). */
const stores = new WeakMap<object, BlobFiles>();

/**
 * Where this database's material bytes go: files for PGlite (in `dir`, else the environment's
 * HALLQ_MATERIALS_DIR, else beside PGlite's data directory, else a temporary directory for an
 * in-memory database, removed when the process exits), the database itself for PostgreSQL.
 * The same Db always gets the same store (a server restarted on it finds its files).
 */
export function blobFilesFor(db: Db, dir?: string): BlobFiles | undefined {
  if (db.kind !== 'pglite') return undefined;
  const known = stores.get(db);
  if (known) return known;
  let where = dir ?? process.env.HALLQ_MATERIALS_DIR ?? (db.dataDir ? join(db.dataDir, '..', 'materials') : undefined);
  if (!where) {
    where = mkdtempSync(join(tmpdir(), 'hallq-materials-'));
    const temp = where;
    process.once('exit', () => rmSync(temp, { recursive: true, force: true }));
  }
  const files = new BlobFiles(where);
  stores.set(db, files);
  return files;
}

/** The store already chosen for this database (readers that hold only a Queryable). */
export function knownBlobFiles(q: Queryable): BlobFiles | undefined {
  return stores.get(q);
}
