/**
 * Hall configuration, authored at the admin role and carried as `config.changed` events
 * (last writer wins per key, by HLC). Each kind has one schema; the fold ignores and flags
 * values that do not parse, so one bad edit never breaks a replica.
 */
import { z } from 'zod';
import { ServiceScheduleSchema, ScheduleConfigSchema } from '../schedule/config';
import { BilingualSchema } from './text';

export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'ids are 1-40 letters, digits, "-" or "_"');

export const PRIORITY_CLASSES = ['green', 'appointment', 'special', 'normal'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Why a ticket is in the special class (R7). */
export const PRIORITY_REASONS = ['elderly', 'soldier', 'veteran', 'disabled', 'pregnant', 'key-project', 'other'] as const;
export type PriorityReason = (typeof PRIORITY_REASONS)[number];

export const CHANNELS = ['kiosk', 'idcard', 'appointment', 'assisted'] as const;
export type Channel = (typeof CHANNELS)[number];

/** R15: how the citizen brings a material. */
export const MATERIAL_FORMS = ['original', 'copy', 'original-and-copy'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

/**
 * One material of a service guide: its name in both languages (what the counter's capture names
 * pages after), and optionally how many copies, original or copy, and a note (issue 17).
 */
export const GuideMaterialSchema = BilingualSchema.extend({
  copies: z.number().int().min(1).max(20).optional(),
  form: z.enum(MATERIAL_FORMS).optional(),
  note: BilingualSchema.optional(),
});
export type GuideMaterial = z.infer<typeof GuideMaterialSchema>;

export const ServiceSchema = z.object({
  id: IdSchema,
  name: BilingualSchema,
  /** Ticket number prefix: one capital letter (A001). */
  prefix: z.string().regex(/^[A-Z]$/, 'the prefix is one capital letter A-Z'),
  category: z.string().min(1).max(40).default('general'),
  /** What the kiosk's category tab says (services of one category carry the same name). */
  categoryName: BilingualSchema.optional(),
  /** R18: the "can't get it done" window has a category of its own. */
  kind: z.enum(['normal', 'cant-get-done']).default('normal'),
  /** R12: tickets only with an ID card. */
  realNameRequired: z.boolean().default(false),
  /** Overrides the hall's per-person daily limit for this service. */
  perPersonDailyLimit: z.number().int().positive().optional(),
  /** Used by the wait estimate until enough services have been timed today. */
  defaultServiceMinutes: z.number().positive().max(480).default(8),
  /** The leader on duty is alerted when a citizen has waited longer (else the hall's longWaitMinutes). */
  alertWaitMinutes: z.number().int().min(1).max(480).optional(),
  schedule: ServiceScheduleSchema.optional(),
  guide: z
    .object({
      materials: z.array(GuideMaterialSchema).max(50).default([]),
      /** 办理依据: the laws and rules the service rests on. */
      basis: BilingualSchema.optional(),
      timeLimit: BilingualSchema.optional(),
      fee: BilingualSchema.optional(),
      /**
       * Where in the hall (floor, area). The windows are not typed here: they are the windows that
       * serve the service (shared/config/guide.ts), one source of truth with the queue (issue 17).
       */
      place: BilingualSchema.optional(),
      /** A link for the citizen's phone: http(s) only, never javascript: or data:. */
      url: z
        .string()
        .max(500)
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'the guide link is an http(s) address')
        .optional(),
    })
    .optional(),
});
export type Service = z.infer<typeof ServiceSchema>;

export const WindowSchema = z.object({
  id: IdSchema,
  /** What the LED strip and board show: "5" or "A5". */
  label: z.string().min(1).max(8),
  name: BilingualSchema.optional(),
  /** R4: a comprehensive window serves many services; order matters for mode 'ordered'. */
  services: z
    .array(z.object({ serviceId: IdSchema, weight: z.number().int().positive().max(100).default(1) }))
    .min(1, 'a window serves at least one service'),
  /** fifo: one merged queue by time; ordered: earlier services first; weighted: by weight. */
  mode: z.enum(['fifo', 'ordered', 'weighted']).default('fifo'),
  /** R7 爱心窗口: takes priority tickets first, also from the services listed here. */
  priorityFirst: z.boolean().default(false),
  priorityServices: z.union([z.literal('all'), z.array(IdSchema)]).default('all'),
});
export type Window = z.infer<typeof WindowSchema>;

export const StaffSchema = z.object({
  id: IdSchema,
  /** R9: staff are shown publicly by regulation (name, photo, post, duties, commitment). */
  name: z.string().min(1).max(40),
  post: z.string().max(80).default(''),
  duties: z.string().max(400).default(''),
  commitment: z.string().max(400).default(''),
  /** The card in English for a screen in English (issue 17); a missing one shows the Chinese. */
  en: z.object({ post: z.string().max(80).optional(), duties: z.string().max(400).optional(), commitment: z.string().max(400).optional() }).optional(),
  photo: z.string().max(200).optional(),
  /**
   * The PIN's salted PBKDF2 hash (shared/identity/pin.ts), never the PIN. Only counters and hubs
   * receive it; a value without it keeps the hash the clerk had (shared/fold/apply.ts).
   */
  pinHash: z.string().max(300).optional(),
  /** What every other terminal sees instead of the hash: a PIN is set (server/store/pinVisibility.ts). */
  pinSet: z.literal(true).optional(),
  /** The windows this clerk may sign in at (the server refuses others); absent: any window of the hall. */
  windows: z.array(IdSchema).max(200).optional(),
});
export type Staff = z.infer<typeof StaffSchema>;

export const TerminalSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  role: z.enum(['kiosk', 'counter', 'evaluator', 'display', 'admin']),
  windowId: IdSchema.optional(),
  /** A kiosk's offline number series: one letter, unique in the hall (AK001). */
  offlineSeries: z.string().regex(/^[A-Z]$/).optional(),
});
export type Terminal = z.infer<typeof TerminalSchema>;

export const PolicySchema = z.object({
  /** R12: tickets per person (ID hash) per service per day. */
  perPersonDailyLimit: z.number().int().positive().max(50).default(3),
  /** R7: automatic elderly priority from the birth date on the ID card. */
  elderlyAge: z.number().int().min(50).max(100).default(60),
  /** Issue 17: the kiosk turns to 大字版 by itself when the ID card read is an elderly holder's (elderlyAge). */
  elderlyModeByCard: z.boolean().default(true),
  /**
   * Issue 17: where citizens book an appointment-only service, shown when the kiosk refuses a
   * walk-in: a phone number and a web address (or the app's name).
   */
  bookingPhone: z.string().trim().regex(/^[0-9+\-() ]{3,24}$/, 'digits, spaces, + - ( )').optional(),
  bookingWeb: z.string().trim().min(3).max(120).optional(),
  /**
   * Issue 17: a called citizen may be marked a no-show (过号) only this many seconds after the
   * call, and with the clerk's confirmation (the counter offers a recall meanwhile).
   */
  noShowGraceSeconds: z.number().int().min(0).max(1800).default(120),
  /** The same for priority tickets (R7 special groups: seniors, disabilities...; green channel); never shorter than noShowGraceSeconds. */
  noShowGracePrioritySeconds: z.number().int().min(0).max(1800).default(180),
  /** A skipped (no-show) ticket may be put back within this many minutes. */
  skipGraceMinutes: z.number().int().min(0).max(480).default(30),
  maxRequeues: z.number().int().min(0).max(10).default(1),
  /** tail: a returned ticket queues from the moment it came back; original: from its issue time. */
  requeueMode: z.enum(['tail', 'original']).default('tail'),
  /** A transferred ticket keeps its place by its original issue time (else: the transfer time). */
  transferKeepsIssueTime: z.boolean().default(true),
  /** An appointment ticket ranks as 'appointment' from this long before its slot ... */
  appointmentEarlyMinutes: z.number().int().min(0).max(240).default(15),
  /** ... until this long after the slot ends; checked in later, it is a normal ticket. */
  appointmentLateMinutes: z.number().int().min(0).max(240).default(15),
  /** R7: which channels may grant each priority class. Staff-only by default for green. */
  priorityGrants: z
    .object({
      green: z.array(z.enum(CHANNELS)).default(['assisted']),
      appointment: z.array(z.enum(CHANNELS)).default(['appointment', 'assisted']),
      special: z.array(z.enum(CHANNELS)).default(['kiosk', 'idcard', 'assisted']),
    })
    .default({ green: ['assisted'], appointment: ['appointment', 'assisted'], special: ['kiosk', 'idcard', 'assisted'] }),
  numberDigits: z.number().int().min(2).max(4).default(3),
  /** On tickets and screens. */
  hallName: BilingualSchema.default({ zh: '政务服务中心', en: 'Government Service Center' }),
  /** R20: the supervision hotline shown on the kiosk and the board. */
  hotline: z.string().min(3).max(20).default('12345'),
  /** The kiosk returns to its attract screen after this long without a touch. */
  kioskIdleSeconds: z.number().int().min(10).max(600).default(60),
  /** R8: the evaluator records "no rating" after this long without a choice. */
  ratingTimeoutSeconds: z.number().int().min(10).max(600).default(30),
  /** Alerts for the leader on duty: a citizen waiting longer than this... */
  longWaitMinutes: z.number().int().min(1).max(480).default(30),
  /** ... a window paused longer than this. */
  longPauseMinutes: z.number().int().min(1).max(480).default(15),
  /**
   * R21, issue 8: days a counter keeps captured material images after capture, once the server
   * has confirmed it holds them; 0 = delete as soon as the server has them. Never longer than 30.
   */
  materialsRetentionDays: z.number().int().min(0).max(30).default(0),
  /**
   * R21, issue 15: days the hall server keeps the images of ID card copies (身份证复印件, any
   * material named 身份证 / ID card) after upload. The copy serves the application's review,
   * which the promised time limits put within weeks; the department's own archive keeps what
   * the law asks (003 art. 34). PIPL art. 19: no longer than the purpose needs.
   */
  idCopiesServerRetentionDays: z.number().int().min(1).max(365).default(30),
  /** R21, issue 15: days the hall server keeps every other material's images after upload. */
  materialsServerRetentionDays: z.number().int().min(1).max(1095).default(90),
});
export type Policy = z.infer<typeof PolicySchema>;

export const NoticeSchema = z.object({
  id: IdSchema,
  text: BilingualSchema,
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/** Each configuration kind and its schema. `id` is the key inside the kind. */
export const CONFIG_KINDS = {
  service: ServiceSchema,
  window: WindowSchema,
  staff: StaffSchema,
  terminal: TerminalSchema,
  schedule: ScheduleConfigSchema,
  policy: PolicySchema,
} as const;
export type ConfigKind = keyof typeof CONFIG_KINDS;

export function defaultPolicy(): Policy {
  return PolicySchema.parse({});
}
