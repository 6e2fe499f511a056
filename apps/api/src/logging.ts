import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { sqlStateOf } from './db/client.js';

/**
 * What the logs may hold. They never hold request bodies, SQL parameters, emails, phones, names,
 * API keys, secrets, cookies or card digits, at any level, so they are decided here by what is
 * kept rather than by what is scrubbed: an error is logged as its class, codes, the database
 * object it concerns, Drizzle's SQL text (placeholders, never values) and its stack frames, never
 * its message (Drizzle's reads "Failed query: ...\nparams: <values>", a driver's may quote a
 * value, a DomainError's may echo input); a request as its method, path and query parameter names.
 */

/** Where log lines go; pino's default is stdout. */
export interface LogDestination {
  write(line: string): void;
}

export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

// A type, not an interface: Fastify's serializer type wants an index signature.
export type SafeError = {
  type: string;
  /** Built from the facts below, never the error's own message. */
  message: string;
  /** The stack frames without the message line. */
  stack: string;
  code?: string;
  sqlState?: string;
  severity?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
  /** Drizzle's SQL text: `$1` placeholders, never the values bound to them. */
  query?: string;
  cause?: SafeError;
  errors?: SafeError[];
};

const NAME = /^[A-Za-z_$][\w$]{2,63}$/;
const CODE = /^[A-Za-z][A-Za-z0-9_]{1,63}$/;
const IDENTIFIER = /^[\w$. -]{1,128}$/;
const MAX_DEPTH = 4;
const MAX_FRAMES = 25;
const MAX_QUERY_CHARS = 2000;

/** A driver field that names a database object, as PGlite and postgres.js spell it. */
const DATABASE_FIELDS = {
  severity: ['severity'],
  schema: ['schema', 'schema_name'],
  table: ['table', 'table_name'],
  column: ['column', 'column_name'],
  constraint: ['constraint', 'constraint_name'],
  routine: ['routine'],
} as const;

function field(error: object, key: string): unknown {
  return (error as Record<string, unknown>)[key];
}

function typeOf(error: Error): string {
  const constructorName = (error.constructor as { name?: unknown } | undefined)?.name;
  if (typeof constructorName === 'string' && NAME.test(constructorName)) return constructorName;
  // Minified classes (PGlite's DatabaseError is `O`) still carry a name.
  return typeof error.name === 'string' && NAME.test(error.name) ? error.name : 'Error';
}

function framesOf(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .join('\n');
}

function errorOf(error: Error, depth: number, parentQuery?: string): SafeError {
  const type = typeOf(error);
  const code = field(error, 'code');
  const sqlState = sqlStateOf(error);
  const safe: SafeError = { type, message: '', stack: framesOf(error.stack) };
  if (typeof code === 'string' && CODE.test(code)) safe.code = code;
  if (sqlState) safe.sqlState = sqlState;
  for (const [name, keys] of Object.entries(DATABASE_FIELDS)) {
    const value = keys.map((key) => field(error, key)).find((v) => typeof v === 'string');
    if (typeof value === 'string' && IDENTIFIER.test(value)) {
      safe[name as keyof typeof DATABASE_FIELDS] = value;
    }
  }
  const query = field(error, 'query');
  if (typeof query === 'string' && query !== parentQuery) {
    safe.query = query.slice(0, MAX_QUERY_CHARS);
  }
  safe.message = [
    type,
    safe.code && safe.code !== sqlState ? safe.code : undefined,
    sqlState && `SQLSTATE ${sqlState}`,
    safe.constraint && `constraint ${safe.constraint}`,
  ]
    .filter(Boolean)
    .join(' ');
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) {
      safe.cause = serializeError(error.cause, depth + 1, safe.query ?? parentQuery);
    }
    const errors = field(error, 'errors');
    if (Array.isArray(errors)) {
      safe.errors = errors.slice(0, 5).map((e) => serializeError(e, depth + 1));
    }
  }
  return safe;
}

/**
 * Any thrown value as the facts that are safe to log. A thrown string or object is named by its
 * kind only: its content is whatever the thrower put there.
 */
export function serializeError(value: unknown, depth = 0, parentQuery?: string): SafeError {
  if (value instanceof Error) return errorOf(value, depth, parentQuery);
  const kind =
    value !== null && typeof value === 'object'
      ? ((value.constructor as { name?: string } | undefined)?.name ?? 'Object')
      : typeof value;
  const type = NAME.test(kind) ? kind : 'unknown';
  return { type, message: `thrown ${type}`, stack: '' };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL as its path, with segments that could hold a person's details masked, and query names. */
export function safeUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const segments = path.split('/').map((raw) => {
    const segment = decoded(raw);
    // Ids, route words and tRPC procedure paths pass; anything with an @, a space or a long run
    // of digits (a phone, a card) does not.
    return /^[\w.,:~-]{0,100}$/.test(segment) && !/(\d[\s.-]?){7,}/.test(segment) ? segment : '*';
  });
  const names =
    query === undefined
      ? []
      : [...new URLSearchParams(query).keys()].map((name) =>
          /^[\w.[\]-]{1,64}$/.test(name) ? name : '*',
        );
  return names.length > 0
    ? `${segments.join('/')}?${[...new Set(names)].join('&')}`
    : segments.join('/');
}

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: safeUrl(request.url),
    remoteAddress: request.ip,
  };
}

function serializeReply(reply: Pick<FastifyReply, 'statusCode'>) {
  return { statusCode: reply.statusCode };
}

/** The log line's message when it would otherwise be an error's own message. */
function messageFor(error: Error, message: unknown): string {
  if (typeof message !== 'string') return typeOf(error);
  return error.message && message.includes(error.message) ? typeOf(error) : message;
}

/**
 * The pino options for every server: the serializers above for `err`, `req` and `res`; any other
 * field holding an Error serialized the same way; headers and bodies redacted should anyone log
 * them; and pino's habit of using an error's message as the line's message (Fastify's own
 * `log.error({ err }, err.message)` too) undone.
 */
export function loggerOptions(level: string, destination?: LogDestination): LoggerOptions {
  return {
    level,
    ...(destination && { stream: destination }),
    serializers: { err: serializeError, req: serializeRequest, res: serializeReply },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["idempotency-key"]',
        'req.body',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        'headers["set-cookie"]',
        'headers["idempotency-key"]',
        'body',
        'password',
      ],
      censor: '[redacted]',
    },
    formatters: {
      log(object) {
        const safe: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(object)) {
          safe[key] = key !== 'err' && value instanceof Error ? serializeError(value) : value;
        }
        return safe;
      },
    },
    hooks: {
      logMethod(args, method) {
        const [first, second, ...rest] = args as unknown[];
        if (first instanceof Error) {
          return method.apply(this, [{ err: first }, messageFor(first, second)] as never);
        }
        const err = first !== null && typeof first === 'object' ? field(first, 'err') : undefined;
        if (err instanceof Error) {
          return method.apply(this, [first, messageFor(err, second), ...rest] as never);
        }
        return method.apply(this, args);
      },
    },
  };
}

/**
 * For processes without a Fastify logger (the CLI, a server that failed to start): one JSON line
 * on stderr describing the error safely.
 */
export function logFatal(message: string, error: unknown): void {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: Date.now(), msg: message, err: serializeError(error) })}\n`,
  );
}
