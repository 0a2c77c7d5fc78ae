/**
 * Every event type hallq records, with its payload schema. The catalogue is versioned by the
 * envelope's `v`. Fields are only ever added as optional; a change old readers could not parse
 * would take a new `v`, upgraded to the current shape in `parseEvent` on read.
 */
import { z } from 'zod';
import { CHANNELS, IdSchema, PRIORITY_CLASSES, PRIORITY_REASONS, CONFIG_KINDS } from '../config/schemas';
import { BilingualSchema } from '../config/text';

const TicketId = z.string().min(3).max(80);
const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');
const Ms = z.number().int().nonnegative();
const HashHex = z.string().regex(/^[0-9a-f]{64}$/, 'a keyed hash is 64 hex digits');

/** What a ticket keeps about a person (R21): a keyed hash and masked forms, never the number. */
export const PersonSchema = z.object({
  idHash: HashHex,
  idMasked: z.string().max(24),
  nameMasked: z.string().max(40),
});
export type Person = z.infer<typeof PersonSchema>;

export const OUTCOMES = ['done', 'not-done', 'needs-material'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const RATING_LEVELS = [1, 2, 3, 4, 5] as const;

/** Document capture (issue 8): a content hash (SHA-256, lowercase hex) names each stored image. */
const ContentHash = z.string().regex(/^[0-9a-f]{64}$/, 'a content hash is 64 lowercase hex digits (SHA-256)');
/** A captured page is an image; the material's exported PDF is the one other kind of file. */
export const MATERIAL_PAGE_MIMES = ['image/jpeg', 'image/png'] as const;
export type MaterialPageMime = (typeof MATERIAL_PAGE_MIMES)[number];
export const MATERIAL_MIMES = [...MATERIAL_PAGE_MIMES, 'application/pdf'] as const;
export type MaterialMime = (typeof MATERIAL_MIMES)[number];
/** The largest file (page image or PDF) a terminal uploads and the server stores. */
export const MATERIAL_MAX_BYTES = 20 * 1024 * 1024;
export const MATERIAL_MAX_PAGES = 50;
const FileBytes = z.number().int().positive().max(MATERIAL_MAX_BYTES);
const Pixels = z.number().int().positive().max(20_000);

const ticketRef = { ticketId: TicketId };
const atWindow = { ticketId: TicketId, windowId: IdSchema };

export const PAYLOADS = {
  'ticket.issued': z.object({
    ticketId: TicketId,
    serviceId: IdSchema,
    /** The number on paper: A001 (server series) or AK001 (a kiosk's offline series). */
    number: z.string().regex(/^[A-Z]{1,2}\d{2,5}$/),
    numberSource: z.enum(['server', 'offline', 'local']),
    day: DaySchema,
    channel: z.enum(CHANNELS),
    priority: z.enum(PRIORITY_CLASSES).default('normal'),
    priorityReason: z.enum(PRIORITY_REASONS).optional(),
    person: PersonSchema.optional(),
    appointmentId: IdSchema.optional(),
    medium: z.enum(['paper', 'e-ticket']).default('paper'),
    /** Unguessable token behind the progress-page QR. */
    token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
    /** Staff member who issued it on the citizen's behalf (R13). */
    staffId: IdSchema.optional(),
  }),
  'ticket.called': z.object({
    ...atWindow,
    staffId: IdSchema.optional(),
    /** A number the clerk typed, not "call next". */
    manual: z.boolean().default(false),
    /** server: claimed atomically online; local: chosen from the counter's own view offline. */
    claim: z.enum(['server', 'local']).default('local'),
  }),
  'ticket.recalled': z.object(atWindow),
  'ticket.skipped': z.object(atWindow),
  'ticket.requeued': z.object({ ...ticketRef, windowId: IdSchema.optional() }),
  'ticket.started': z.object(atWindow),
  'ticket.finished': z.object({
    ...atWindow,
    outcome: z.enum(OUTCOMES),
    note: z.string().max(500).optional(),
  }),
  'ticket.transferred': z
    .object({
      ...atWindow,
      toServiceId: IdSchema.optional(),
      toWindowId: IdSchema.optional(),
    })
    .refine((p) => p.toServiceId !== undefined || p.toWindowId !== undefined, 'a transfer names a service or a window'),
  'ticket.cancelled': z.object({ ...ticketRef, reason: z.string().max(200).default('') }),
  /** The printer failed: the ticket never reached the citizen's hand. */
  'ticket.voided': z.object({ ...ticketRef, reason: z.enum(['print-failed', 'abandoned']) }),

  'evaluation.recorded': z.object({
    ...atWindow,
    staffId: IdSchema.optional(),
    /** 5 非常满意 ... 1 非常不满意; null = the citizen did not rate (timeout). */
    level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.null()]),
    reasons: z.array(z.string().max(40)).max(10).default([]),
    comment: z.string().max(500).optional(),
    source: z.enum(['pad', 'device', 'timeout']),
  }),
  /** A step on a rectification item: a bad rating (R8) or a "can't get it done" case (R18). */
  'rectification.recorded': z.object({
    itemId: z.string().min(3).max(100),
    action: z.enum(['assigned', 'verified', 'rectified', 'closed', 'reopened', 'ledger']),
    assignee: z.string().max(40).optional(),
    note: z.string().max(2000).default(''),
    /** R18 ledger fields. */
    problem: z.string().max(1000).optional(),
    cause: z.string().max(1000).optional(),
    workOrder: z.string().max(80).optional(),
    deadline: DaySchema.optional(),
    /** How a closed item was closed: the citizen's feedback, or an explanation (诉求不合理). */
    closedWith: z.enum(['feedback', 'explanation']).optional(),
  }),

  'window.opened': z.object({ windowId: IdSchema, staffId: IdSchema.optional() }),
  'window.paused': z.object({ windowId: IdSchema, reason: z.string().min(1).max(80) }),
  'window.resumed': z.object({ windowId: IdSchema }),
  'window.closed': z.object({ windowId: IdSchema }),
  /** R11: a second clerk signing in takes over the window without closing it (AB hand-over). */
  'staff.signedIn': z.object({ windowId: IdSchema, staffId: IdSchema }),
  'staff.signedOut': z.object({ windowId: IdSchema, staffId: IdSchema }),

  'appointment.booked': z.object({
    appointmentId: IdSchema,
    serviceId: IdSchema,
    day: DaySchema,
    slotFrom: Ms,
    slotTo: Ms,
    channel: z.enum(['phone', 'onsite', 'online']),
    person: PersonSchema.optional(),
    /** The code on the booking confirmation, for check-in by QR. */
    code: z.string().regex(/^[A-Za-z0-9]{6,32}$/),
  }),
  'appointment.cancelled': z.object({ appointmentId: IdSchema }),

  'config.changed': z.object({
    kind: z.enum(Object.keys(CONFIG_KINDS) as [keyof typeof CONFIG_KINDS, ...(keyof typeof CONFIG_KINDS)[]]),
    id: IdSchema,
    /** null removes the entry. Parsed against the kind's schema when folded. */
    value: z.unknown(),
  }),
  'notice.published': z.object({ noticeId: IdSchema, text: BilingualSchema, from: Ms.optional(), to: Ms.optional() }),
  'notice.withdrawn': z.object({ noticeId: IdSchema }),

  /**
   * Materials received at the window (前台综合受理): the pages the clerk captured, by content hash;
   * the images themselves travel by the materials upload (server/http/routes/materials.ts),
   * never in the event log. A second `material.attached` with the same materialId replaces the
   * first (pages re-captured, reordered).
   */
  'material.attached': z.object({
    ...atWindow,
    materialId: IdSchema,
    /** The material's name from the service guide, or free text. */
    name: z.string().min(1).max(100),
    pages: z
      .array(z.object({ sha256: ContentHash, bytes: FileBytes, width: Pixels, height: Pixels, mime: z.enum(MATERIAL_PAGE_MIMES) }))
      .min(1, 'a material has at least one page')
      .max(MATERIAL_MAX_PAGES, `a material has at most ${MATERIAL_MAX_PAGES} pages`),
    /** The pages exported as one PDF. */
    pdf: z.object({ sha256: ContentHash, bytes: FileBytes }).optional(),
  }),
  'material.removed': z.object({ ...atWindow, materialId: IdSchema }),

  'device.fault': z.object({
    device: z.enum(['printer', 'card-reader', 'scanner', 'evaluator', 'led', 'camera']),
    code: z.string().min(1).max(40),
    /** The driver's technical detail, for support (never shown to citizens). */
    message: z.string().max(300).default(''),
    raw: z.string().regex(/^[0-9a-f ]*$/i).max(600).optional(),
    /** fault: the device cannot do its job; warning: it works but needs a hand soon (paper near end). Absent: fault. */
    severity: z.enum(['fault', 'warning']).optional(),
    /** For the hall manager, in plain words: what is wrong and what to do (shared/devices/condition.ts). */
    words: z.object({ zh: z.string().min(1).max(120), en: z.string().min(1).max(200) }).optional(),
  }),
  'device.recovered': z.object({
    device: z.enum(['printer', 'card-reader', 'scanner', 'evaluator', 'led', 'camera']),
  }),
} as const;

export type EventType = keyof typeof PAYLOADS;
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];
export type PayloadOf<T extends EventType> = z.output<(typeof PAYLOADS)[T]>;
export type PayloadInput<T extends EventType> = z.input<(typeof PAYLOADS)[T]>;
