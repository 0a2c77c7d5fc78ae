/**
 * Schema migrations, the same SQL for PostgreSQL and PGlite. Applied in order, each once,
 * recorded in schema_migrations; never edited after release (add a new one).
 */
import type { Db } from './db';

const MIGRATIONS: Array<{ id: number; name: string; sql: string }> = [
  {
    id: 1,
    name: 'events, terminals, numbers, claims',
    sql: `
      CREATE TABLE events (
        server_seq BIGSERIAL PRIMARY KEY,
        hall TEXT NOT NULL,
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        body JSONB NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (origin, seq)
      );
      CREATE INDEX events_hall_seq ON events (hall, server_seq);
      CREATE INDEX events_hall_type ON events (hall, type);

      -- Highest contiguous seq held per origin: pushes must continue it, never leave a gap.
      CREATE TABLE origins (
        origin TEXT PRIMARY KEY,
        hall TEXT NOT NULL,
        held INTEGER NOT NULL
      );

      CREATE TABLE terminals (
        hall TEXT NOT NULL,
        id TEXT NOT NULL,
        role TEXT NOT NULL,
        window_id TEXT,
        epoch INTEGER NOT NULL DEFAULT 0,
        token_hash TEXT UNIQUE,
        token_expires_at BIGINT,
        code_hash TEXT UNIQUE,
        code_expires_at BIGINT,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (hall, id)
      );

      CREATE TABLE number_series (
        hall TEXT NOT NULL,
        day TEXT NOT NULL,
        prefix TEXT NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (hall, day, prefix)
      );

      CREATE TABLE claims (
        hall TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        window_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (hall, ticket_id)
      );

      -- Events the server itself writes (configuration API, appointments) get dense seqs here.
      CREATE TABLE server_origins (
        origin TEXT PRIMARY KEY,
        next_seq INTEGER NOT NULL
      );
    `,
  },
  {
    id: 2,
    name: 'upstream checkpoint (hub)',
    sql: `
      -- A hub's position in its upstream's log: the upstream serverSeq it has pulled up to.
      -- Per upstream URL: another central server numbers its log differently.
      CREATE TABLE upstream_checkpoints (
        upstream TEXT NOT NULL,
        hall TEXT NOT NULL,
        pulled_after BIGINT NOT NULL,
        -- What the upstream is known to hold per origin (a lower bound): the push's starting point.
        upstream_held JSONB NOT NULL DEFAULT '{}',
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (upstream, hall)
      );
    `,
  },
  {
    id: 3,
    name: 'appointment and ticket-token lookups, SMS subscriptions and outbox',
    sql: `
      -- Appointments are booked days ahead, beyond the hall cache's window: look them up by day
      -- and by id (bookings, cancellations and the check-in tickets that name them).
      CREATE INDEX events_appointment_day ON events (hall, (body->'payload'->>'day')) WHERE type = 'appointment.booked';
      CREATE INDEX events_appointment_id ON events (hall, (body->'payload'->>'appointmentId'))
        WHERE (body->'payload'->>'appointmentId') IS NOT NULL;
      -- The progress page: token (the capability in the ticket's QR) -> ticket, without a scan.
      CREATE INDEX events_ticket_token ON events ((body->'payload'->>'token')) WHERE type = 'ticket.issued';

      -- A citizen's phone for SMS notices (R2). Server-side only, never in an event; one per ticket.
      CREATE TABLE sms_subscriptions (
        hall TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        phone TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        -- Set once the ticket needs no more notices (called, finished, gone).
        closed_at BIGINT,
        PRIMARY KEY (hall, ticket_id)
      );
      CREATE INDEX sms_subscriptions_open ON sms_subscriptions (hall) WHERE closed_at IS NULL;

      CREATE TABLE sms_outbox (
        id BIGSERIAL PRIMARY KEY,
        hall TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('near', 'called')),
        phone TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        sent_at BIGINT,
        error TEXT,
        -- At most one notice of each kind per ticket, however many instances enqueue.
        UNIQUE (hall, ticket_id, kind)
      );
      CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at) WHERE status = 'pending';
    `,
  },
  {
    id: 4,
    name: 'refused events',
    sql: `
      -- An event the server refused for good (it can never be valid), at the head of its origin:
      -- recorded here, and the origin's held moves past it, so one bad event never blocks the
      -- terminal's later ones. The terminal keeps it in its quarantine; the admin sees it here.
      CREATE TABLE refused_events (
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hall TEXT NOT NULL,
        body JSONB NOT NULL,
        status INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        refused_at BIGINT NOT NULL,
        PRIMARY KEY (origin, seq)
      );
    `,
  },
  {
    id: 5,
    name: 'terminal registrations relayed by a hub',
    sql: `
      -- A hub registers its terminals (token hash, epoch) at central, so they can fail over
      -- to central with the same token: when a row changed, and when central last heard of it.
      ALTER TABLE terminals ADD COLUMN updated_at BIGINT;
      ALTER TABLE terminals ADD COLUMN upstream_synced_at BIGINT;
    `,
  },
  {
    id: 6,
    name: 'terminal last seen',
    sql: `
      -- When this server last authenticated the terminal (R17: the admin sees terminal health);
      -- written at most every 30 s per terminal.
      ALTER TABLE terminals ADD COLUMN last_seen_at BIGINT;
    `,
  },
  {
    id: 7,
    name: 'ticket facts for reports',
    sql: `
      -- One row per ticket as the fold left it: a projection of the event log for reports,
      -- rebuildable at any time (server/store/reportsProjection.ts). Times are ms since epoch;
      -- day is the ticket's day in the hall's time zone, as the fold has it.
      CREATE TABLE ticket_facts (
        hall TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        day TEXT NOT NULL,
        number TEXT NOT NULL,
        service_id TEXT NOT NULL,
        window_id TEXT,
        staff_id TEXT,
        channel TEXT NOT NULL,
        priority TEXT NOT NULL,
        status TEXT NOT NULL,
        outcome TEXT,
        issued_at BIGINT NOT NULL,
        queued_at BIGINT NOT NULL,
        first_called_at BIGINT,
        called_at BIGINT,
        started_at BIGINT,
        finished_at BIGINT,
        no_show BOOLEAN NOT NULL,
        transferred BOOLEAN NOT NULL,
        rating_level SMALLINT,
        rating_reasons JSONB NOT NULL DEFAULT '[]',
        -- The serverSeq the fold behind this row had applied: a row is only ever replaced by one
        -- from a fold at least as far along, so instances racing never move a row back.
        fold_seq BIGINT NOT NULL,
        PRIMARY KEY (hall, ticket_id)
      ) WITH (fillfactor = 85); -- room on the page: a ticket's row is rewritten at each step (HOT updates)
      CREATE INDEX ticket_facts_hall_day ON ticket_facts (hall, day);
      -- The few rated tickets with reasons (the evaluator asks for them on bad ratings).
      CREATE INDEX ticket_facts_reasons ON ticket_facts (hall, day) WHERE rating_reasons <> '[]'::jsonb;

      -- Days whose facts must be refolded before a report reads them: every day with tickets
      -- when this migration runs (facts are built lazily, on the first report that needs them),
      -- and days whose projection failed after their events were stored.
      CREATE TABLE ticket_facts_stale (
        hall TEXT NOT NULL,
        day TEXT NOT NULL,
        marked_at BIGINT NOT NULL,
        PRIMARY KEY (hall, day)
      );
      INSERT INTO ticket_facts_stale (hall, day, marked_at)
        SELECT DISTINCT hall, body->'payload'->>'day', 0 FROM events WHERE type = 'ticket.issued';

      -- Refolding a range of days reads the hall's events by time.
      CREATE INDEX events_hall_hlc ON events (hall, hlc);
    `,
  },
  {
    id: 8,
    name: 'material images: blobs and partial uploads',
    sql: `
      -- Images (and PDFs) of materials received at the windows (issue 8), stored once per hall
      -- by content hash. Personal data (R21): only counters and the hall's admins read them.
      CREATE TABLE material_blobs (
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        bytes INTEGER NOT NULL CHECK (bytes > 0),
        mime TEXT NOT NULL,
        data BYTEA NOT NULL,
        -- The terminal that completed the upload.
        uploaded_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (hall, sha256)
      );
      -- Images do not compress: keep them out of line and uncompressed, so a read in slices
      -- (the download streams) fetches only the slice.
      ALTER TABLE material_blobs ALTER COLUMN data SET STORAGE EXTERNAL;

      -- An upload in progress: what the terminal announced. Chunks arrive in any order, each
      -- checked against its own hash; the last one assembles the blob and checks the whole.
      CREATE TABLE material_uploads (
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        mime TEXT NOT NULL,
        chunk_bytes INTEGER NOT NULL,
        chunks INTEGER NOT NULL,
        started_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (hall, sha256)
      );
      CREATE INDEX material_uploads_idle ON material_uploads (hall, updated_at);
      CREATE TABLE material_upload_chunks (
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        idx INTEGER NOT NULL,
        data BYTEA NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (hall, sha256, idx),
        FOREIGN KEY (hall, sha256) REFERENCES material_uploads (hall, sha256) ON DELETE CASCADE
      );
      ALTER TABLE material_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    `,
  },
  {
    id: 9,
    name: 'hub: material files its upstream confirmed',
    sql: `
      -- A hub relays its hall's material files to its upstream (the central server). A row here
      -- is a file the upstream confirmed it holds (complete): never announced again. Per
      -- upstream URL, like the checkpoint: another central server starts from nothing.
      CREATE TABLE upstream_materials (
        upstream TEXT NOT NULL,
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        confirmed_at BIGINT NOT NULL,
        PRIMARY KEY (upstream, hall, sha256)
      );
      -- The relay looks for the hall's files in the order they arrived.
      CREATE INDEX material_blobs_hall_created ON material_blobs (hall, created_at);
    `,
  },
  {
    id: 11,
    name: 'events at the door: last hlc per origin, quiet device events, overrides',
    sql: `
      -- Clocks only move forward per origin: the newest hlc held of each origin. Existing rows
      -- take the newest hlc of their stored events (nothing is changed or lost).
      ALTER TABLE origins ADD COLUMN last_hlc TEXT;
      UPDATE origins o SET last_hlc = (SELECT max(e.hlc) FROM events e WHERE e.origin = o.origin);

      -- Noisy device events are held (seq stays dense) but quiet: never served by pull.
      ALTER TABLE events ADD COLUMN quiet BOOLEAN NOT NULL DEFAULT false;
      -- Device events per terminal and minute (server time): shown and kept quiet.
      CREATE TABLE noisy_counts (
        hall TEXT NOT NULL,
        terminal TEXT NOT NULL,
        minute BIGINT NOT NULL,
        visible INTEGER NOT NULL,
        quiet INTEGER NOT NULL,
        PRIMARY KEY (hall, terminal, minute)
      );

      -- Events that took a ticket another window had called, or replaced a citizen's rating,
      -- by being dated earlier: listed for the admin.
      CREATE TABLE overrides (
        hall TEXT NOT NULL,
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        number TEXT NOT NULL,
        window_id TEXT NOT NULL,
        replaced_window_id TEXT NOT NULL,
        replaced_event TEXT NOT NULL,
        replaced_level SMALLINT,
        level SMALLINT,
        dated_at BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (origin, seq)
      );
      CREATE INDEX overrides_hall_received ON overrides (hall, received_at);
    `,
  },
  {
    id: 12,
    name: 'staff sign-in: wrong-PIN lockouts',
    sql: `
      -- The lockout rule of shared/identity/pinLockout.ts, kept by the server for online
      -- sign-in: one row per staff number ('staff:s1') and per terminal ('terminal:counter-1').
      CREATE TABLE pin_lockouts (
        hall TEXT NOT NULL,
        subject TEXT NOT NULL,
        failures INTEGER NOT NULL,
        locks INTEGER NOT NULL,
        locked_until BIGINT NOT NULL,
        PRIMARY KEY (hall, subject)
      );
    `,
  },
  {
    id: 13,
    name: 'materials: bytes in files on PGlite, access log, deletions',
    sql: `
      -- Issue 15, finding 7: on PGlite (a hub) a material's bytes go to files beside the
      -- database, never through it (server/materials/blobFiles.ts). 'db': in the data column, as
      -- every row stored before this migration (kept where it is); 'file': in the file store.
      ALTER TABLE material_blobs ALTER COLUMN data DROP NOT NULL;
      ALTER TABLE material_blobs ADD COLUMN stored TEXT NOT NULL DEFAULT 'db';
      ALTER TABLE material_upload_chunks ALTER COLUMN data DROP NOT NULL;
      ALTER TABLE material_upload_chunks ADD COLUMN stored TEXT NOT NULL DEFAULT 'db';
      -- Quotas count a terminal's uploads of the last day.
      CREATE INDEX material_blobs_uploader ON material_blobs (hall, uploaded_by, created_at);

      -- Finding 12: who opened which material (R21). One row per read of a file, refused ones
      -- included (outcome 'refused': a role that may not read them; 'not-found': a hash this
      -- hall does not hold).
      CREATE TABLE material_access (
        id BIGSERIAL PRIMARY KEY,
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        terminal TEXT NOT NULL,
        role TEXT NOT NULL,
        window_id TEXT,
        staff_id TEXT,
        outcome TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX material_access_hall_at ON material_access (hall, at);
      CREATE INDEX material_access_hall_sha ON material_access (hall, sha256);

      -- Files deleted (retention or the admin): the hash, when, why and by whom, never the
      -- bytes. An upload of a deleted file is answered complete and not stored again (the
      -- counter then drops its own copy), and a hub tells its upstream to delete it too.
      CREATE TABLE material_deletions (
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        reason TEXT NOT NULL,
        by_terminal TEXT,
        deleted_at BIGINT NOT NULL,
        PRIMARY KEY (hall, sha256)
      );
      -- Deletions a hub's upstream confirmed (per upstream URL, like upstream_materials).
      CREATE TABLE upstream_material_deletions (
        upstream TEXT NOT NULL,
        hall TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        confirmed_at BIGINT NOT NULL,
        PRIMARY KEY (upstream, hall, sha256)
      );
    `,
  },
  {
    id: 14,
    name: 'materials: chunks of uploads in progress unlogged',
    sql: `
      -- Issue 15, finding 7: a chunk in progress wrote 1 MiB of WAL and waited for its flush,
      -- competing with every ticket's commit. The chunks are transient: after a crash PostgreSQL
      -- empties this table, and the counter's next announcement hears which chunks the server
      -- has (none) and sends them again (the resumable protocol). Finished files stay logged.
      ALTER TABLE material_upload_chunks SET UNLOGGED;
    `,
  },
  {
    id: 15,
    name: 'claims unlogged: a call waits for no log flush of its 15 s hold',
    sql: `
      -- Issue 17 (call to board): a claim is a hold of 15 s on the ticket a window calls next;
      -- writing it waited for a WAL flush that no later reader needs. Unlogged, the claim's
      -- transaction (it writes nothing else) commits without waiting for the flush. After a
      -- crash PostgreSQL empties this table: the holds are gone as if they had expired, which
      -- is what a crash does to a hall anyway (the windows call again; a call already made is
      -- in the counter's outbox and settles by the conflict rule). Numbers stay logged: a
      -- number handed out must never be handed out again.
      ALTER TABLE claims SET UNLOGGED;
    `,
  },
];

export async function migrate(db: Db): Promise<number> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  let applied = 0;
  for (const m of MIGRATIONS) {
    await db.tx(async (q) => {
      // Two instances starting together: one migrates, the other waits and sees it done.
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hallq:migrate']);
      const done = await q.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rows.length) return;
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied += 1;
    });
  }
  return applied;
}

export function latestMigration(): number {
  return MIGRATIONS[MIGRATIONS.length - 1]!.id;
}
