/**
 * The sync protocol between terminals and servers (and hub to central), as zod schemas: both
 * ends validate what they receive. Events inside are validated separately with parseEvent, so
 * one bad event names itself.
 */
import { z } from 'zod';
import { IdSchema } from '../config/schemas';

export const MAX_PUSH_EVENTS = 500;
export const MAX_PULL_EVENTS = 1000;
/** The server refuses events whose clock is further than this ahead of its own. */
export const MAX_FUTURE_MS = 5 * 60_000;

export const ROLES = ['kiosk', 'counter', 'evaluator', 'display', 'admin', 'hub', 'booking'] as const;
export type Role = (typeof ROLES)[number];

export const PushRequestSchema = z.object({
  events: z.array(z.unknown()).min(1, 'a push carries at least one event').max(MAX_PUSH_EVENTS, `at most ${MAX_PUSH_EVENTS} events per push`),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const PushResponseSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** Highest contiguous seq the server holds for each origin in the batch. */
  held: z.record(z.string(), z.number().int().nonnegative()),
  serverSeq: z.number().int().nonnegative(),
  now: z.number(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

export const PullQuerySchema = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_EVENTS).default(500),
});

export const StoredEventSchema = z.object({ s: z.number().int().positive(), e: z.unknown() });
export const PullResponseSchema = z.object({
  events: z.array(StoredEventSchema),
  /** serverSeq to pass as `after` next time. */
  last: z.number().int().nonnegative(),
  more: z.boolean(),
  now: z.number(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** GET /api/sync/held: the hall's version vector, the highest contiguous seq held per origin. */
export const HeldResponseSchema = z.record(z.string(), z.number().int().nonnegative());
export type HeldResponse = z.infer<typeof HeldResponseSchema>;

export const NumberRequestSchema = z.object({ serviceId: IdSchema });
export const NumberResponseSchema = z.object({ day: z.string(), prefix: z.string(), seq: z.number().int().positive() });
export type NumberResponse = z.infer<typeof NumberResponseSchema>;

export const ClaimRequestSchema = z.object({ windowId: IdSchema });
export const ClaimResponseSchema = z.object({
  ticket: z.object({ id: z.string(), number: z.string(), serviceId: z.string() }).nullable(),
  /** The claim holds the ticket for this window until then; the call event must arrive first. */
  expiresAt: z.number(),
});
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

export const CreateTerminalSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'terminal ids are lowercase letters, digits and "-"'),
  role: z.enum(ROLES),
  windowId: IdSchema.optional(),
});
export const CreateTerminalResponseSchema = z.object({ code: z.string(), expiresAt: z.number() });

export const EnrollRequestSchema = z.object({
  code: z.string().min(6).max(64),
  /**
   * A terminal that still holds events the server lacks asks to keep writing under its epoch;
   * granted only when the server has never seen that epoch of it (it lost its database).
   */
  continueEpoch: z.number().int().positive().max(1_000_000).optional(),
});
export const EnrollResponseSchema = z.object({
  token: z.string(),
  terminal: z.object({ id: z.string(), role: z.enum(ROLES), hall: z.string(), windowId: z.string().optional() }),
  /** The origin epoch this install writes under: a new install never reuses an old origin. */
  epoch: z.number().int().positive(),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/** Server -> terminal on the live socket. */
export const LiveMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), serverSeq: z.number().int().nonnegative(), now: z.number() }),
  z.object({ t: z.literal('events'), events: z.array(StoredEventSchema) }),
  /** Sent once before the server closes the socket (e.g. a revoked or unknown token). */
  z.object({ t: z.literal('error'), error: z.string(), message: z.string() }),
]);
export type LiveMessage = z.infer<typeof LiveMessageSchema>;

/**
 * The terminal's first message on the live socket: its token (never in the socket's URL, which
 * servers and proxies log; browsers cannot set headers on a WebSocket). The server answers
 * `hello`, or `error` and closes, and closes a socket that says nothing within the deadline.
 */
export const LiveAuthSchema = z.object({ t: z.literal('auth'), token: z.string().min(1).max(512) });
export type LiveAuth = z.infer<typeof LiveAuthSchema>;
export const LIVE_AUTH_DEADLINE_MS = 5_000;

/** Every 4xx/5xx body: a code for programs, a message for people (English and Chinese). */
export const ErrorBodySchema = z.object({ error: z.string(), message: z.string(), messageZh: z.string().optional() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A hub registers one of its terminals at central (same token hash and epoch). */
export const RelayedTerminalSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  role: z.enum(ROLES),
  windowId: IdSchema.optional(),
  epoch: z.number().int().positive(),
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  revoked: z.boolean(),
});
