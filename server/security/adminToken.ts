/**
 * A generated first admin token is shown once to the operator who started the server, and
 * never written to the JSON log (which is shipped, rotated and read by others):
 *
 * - started from a terminal (stderr is a TTY): printed there in plain text;
 * - started as a service (stderr goes to a journal or a file): written to a file only its
 *   owner may read (mode 0600, HALLQ_ADMIN_TOKEN_FILE, default `admin-token` in the data
 *   directory), and the log says where.
 *
 * Set HALLQ_ADMIN_TOKEN to choose the token instead (then nothing is shown or written).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ShowOptions {
  hall: string;
  file: string;
  /** Where a person is watching (default process.stderr). */
  tty?: { isTTY?: boolean; write(s: string): unknown };
}

/** Show the token; answers where it went ('stderr' or the file's path), for the log line. */
export function showGeneratedAdminToken(token: string, o: ShowOptions): string {
  const tty = o.tty ?? process.stderr;
  if (tty.isTTY) {
    tty.write(`\nhallq: no HALLQ_ADMIN_TOKEN set; the admin token of hall ${o.hall} for this run (shown once, not logged):\n\n  ${token}\n\n`);
    return 'stderr';
  }
  mkdirSync(dirname(o.file), { recursive: true });
  writeFileSync(o.file, `${token}\n`, { mode: 0o600 });
  chmodSync(o.file, 0o600); // a file left from an earlier run keeps its old mode otherwise
  return o.file;
}
