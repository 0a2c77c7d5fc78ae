/**
 * The server's log never holds a secret (issue 15, finding 1): terminal tokens, one-time
 * enrollment codes, the device host's session token, the citizen's progress-page token, PINs,
 * ID numbers, phone numbers. Three layers, so one slip does not leak:
 *
 * 1. the request serializer logs a redacted URL: query values are kept only for keys known to
 *    be harmless (`after`, `day`, ...), every other value becomes `[redacted]`, and the
 *    progress page's path token (`/p/<token>`, `/api/progress/<token>`) is cut;
 * 2. pino's `redact` censors fields that carry secrets wherever a log call puts them
 *    (`authorization`, `token`, `adminToken`, `tokenHash`, `pin`, `pinHash`, `idNumber`, ...);
 * 3. every finished line passes `scrubLine`, which replaces anything shaped like a token
 *    (`hq_...`, `Bearer ...`, `token=...`, `code=...`), an 18-digit ID number or a mobile
 *    number, whatever field or message it hides in.
 */

/** Query keys whose values are logged as sent: none of them carries a secret or personal data. */
export const LOGGED_QUERY_KEYS: ReadonlySet<string> = new Set([
  'after',
  'limit',
  'day',
  'date',
  'from',
  'to',
  'period',
  'groupBy',
  'terminal',
  'lang',
  'role',
  'windowId',
  'serviceId',
]);

export const REDACTED = '[redacted]';

/** Paths whose last segment is a capability (the ticket's progress page). */
const PATH_SECRETS = /^(\/p|\/api\/progress)\/[^/?#]+/;

/** `req.url` as it may be logged. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(PATH_SECRETS, `$1/${REDACTED}`);
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        // a malformed key is logged as sent, its value never
      }
      if (eq < 0) return part;
      return LOGGED_QUERY_KEYS.has(key) ? part : `${rawKey}=${REDACTED}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/**
 * Anything shaped like a secret or personal data, replaced in a finished log line. The patterns
 * are on the JSON text, so they stop at a quote or a backslash (the end of a JSON string).
 */
const LINE_PATTERNS: Array<[RegExp, string]> = [
  // Terminal tokens (newToken: 'hq_' + 43 base64url characters).
  [/hq_[A-Za-z0-9_-]{16,}/g, `hq_${REDACTED}`],
  // An Authorization header's value, wherever it is quoted.
  [/(Bearer\s+)[^\s"\\]+/gi, `$1${REDACTED}`],
  // Secrets in a query string that slipped into a message (a URL in an error, say).
  [/([?&](?:token|access_token|code|dt|pin|password|key)=)[^&\s"\\#]+/gi, `$1${REDACTED}`],
  // The progress page's token in a path.
  [/(\/p\/|\/api\/progress\/)[A-Za-z0-9_-]{6,}/g, `$1${REDACTED}`],
  // 18-digit resident ID numbers (area, birth date 18xx-20xx, sequence, check character).
  [/(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])/g, '[id-number]'],
  // Mainland mobile numbers: the first three and last four digits stay (as maskPhone shows them).
  [/(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])/g, '$1****$2'],
];

export function scrubLine(line: string): string {
  let out = line;
  for (const [re, to] of LINE_PATTERNS) out = out.replace(re, to);
  return out;
}

/** Fields censored wherever a log call puts them (pino `redact` paths, one and two levels deep). */
const SECRET_FIELDS = ['authorization', 'cookie', 'token', 'adminToken', 'tokenHash', 'token_hash', 'pin', 'pinHash', 'idNumber', 'phone', 'code_hash', 'password'];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

interface ReqLike {
  method: string;
  url: string;
  ip?: string;
  host?: string;
  socket?: { remotePort?: number } | null;
}

/** The request as logged: Fastify's default fields with the URL redacted, never the headers. */
export function serializeRequest(req: ReqLike) {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export interface LogSettings {
  level: string;
  /** Where the JSON lines go (default stdout); tests capture them. */
  stream?: { write(line: string): void };
}

/** Fastify's `logger` option: pino with the three layers above. */
export function loggerOptions(s: LogSettings) {
  return {
    level: s.level,
    ...(s.stream ? { stream: s.stream } : {}),
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { req: serializeRequest },
    hooks: { streamWrite: scrubLine },
  };
}
