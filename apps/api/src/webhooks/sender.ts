import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { DELIVERY_TIMEOUT_MS, isDelivered, RESPONSE_EXCERPT_MAX_BYTES } from '@peasswap/domain';
import { Webhook } from 'standardwebhooks';
import { checkDestination, type HostResolver } from './destinations.js';

export const WEBHOOK_USER_AGENT = 'PeasSwap-Webhooks/1.0';

/** Why an attempt got no answer (the delivery log's `error`). */
export type SendError = 'timeout' | 'connection_failed' | 'address_refused' | 'dns_failed';

/** What one HTTP attempt came to: the delivery log's line, less its bookkeeping. */
export interface SendOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: SendError | null;
  durationMs: number;
  /** The first 2 KiB of the answer's body; null when there was no answer. */
  responseExcerpt: string | null;
}

export interface WebhookMessage {
  /** The event id: the `webhook-id`, the same on every retry. */
  id: string;
  /** The event JSON, exactly the bytes signed. */
  body: string;
}

export interface WebhookTarget {
  url: string;
  livemode: boolean;
  /** The secrets that sign: the current one, then a rolled one still in its 24 h overlap. */
  secrets: readonly string[];
}

export interface SendOptions {
  resolve?: HostResolver | undefined;
  /** Everything (DNS, connecting, the answer) within this long; 10 s unless a test says less. */
  timeoutMs?: number | undefined;
  /** The `webhook-timestamp`; the wall clock at sending unless a test says otherwise. */
  signedAt?: Date | undefined;
}

/**
 * `webhook-signature` (Standard Webhooks): `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
 * per secret, space-separated, made by the reference implementation itself.
 */
export function signatureHeader(
  secrets: readonly string[],
  message: WebhookMessage,
  signedAt: Date,
): string {
  return secrets
    .map((secret) => new Webhook(secret).sign(message.id, signedAt, message.body))
    .join(' ');
}

/**
 * POST one event to one endpoint, once. The destination is checked again here, after DNS, and the
 * connection may only go to the addresses that check approved (SSRF guard). Redirects are not
 * followed; at most 2 KiB of the answer is read. Never throws: every failure is an outcome. Logs
 * nothing, so neither a secret nor a body can reach a log.
 */
export async function sendWebhook(
  target: WebhookTarget,
  message: WebhookMessage,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const elapsed = () => Math.round(performance.now() - started);
  const noAnswer = (error: SendError): SendOutcome => ({
    succeeded: false,
    statusCode: null,
    error,
    durationMs: elapsed(),
    responseExcerpt: null,
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const destination = await Promise.race([
      checkDestination(target.url, target.livemode, options.resolve),
      deadline,
    ]);
    if (destination === 'timeout') return noAnswer('timeout');
    if (!destination.ok) {
      // A URL that passed creation but fails its own rules now can only be an address problem.
      return noAnswer(destination.reason === 'dns_failed' ? 'dns_failed' : 'address_refused');
    }
    const signedAt = options.signedAt ?? new Date();
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(message.body)),
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signatureHeader(target.secrets, message, signedAt),
    };
    const answer = await post(target.url, headers, message.body, {
      lookup: approvedLookup(destination.addresses),
      deadline,
    });
    if (answer.kind === 'none') return noAnswer(answer.error);
    return {
      succeeded: isDelivered(answer.statusCode),
      statusCode: answer.statusCode,
      error: null,
      durationMs: elapsed(),
      responseExcerpt: excerptOf(answer.body),
    };
  } finally {
    clearTimeout(timer);
  }
}

type Answer =
  { kind: 'answered'; statusCode: number; body: Buffer } | { kind: 'none'; error: SendError };

/**
 * One request on a fresh connection (no pooled socket that an earlier lookup chose). The answer
 * is the status and up to 2 KiB of body; the connection is dropped after that or at the deadline.
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { lookup: LookupFunction; deadline: Promise<'timeout'> },
): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
      request.destroy();
    };
    const answered = () =>
      finish({
        kind: 'answered',
        statusCode: response?.statusCode ?? 0,
        body: Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_MAX_BYTES),
      });

    const request = send(
      target,
      { method: 'POST', headers, agent: false, lookup: options.lookup },
      (incoming) => {
        response = incoming;
        incoming.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (received >= RESPONSE_EXCERPT_MAX_BYTES) answered();
        });
        incoming.on('end', answered);
        // A body cut short still leaves the status, which is what the delivery is judged on.
        incoming.on('error', answered);
        incoming.on('close', answered);
      },
    );
    request.on('error', () => {
      if (response) answered();
      else finish({ kind: 'none', error: 'connection_failed' });
    });
    void options.deadline.then(() => {
      if (response) answered();
      else finish({ kind: 'none', error: 'timeout' });
    });
    request.end(body);
  });
}

/**
 * A `lookup` for the connection that answers only the addresses the destination check approved,
 * so the name cannot resolve to somewhere else between the check and the connection.
 */
function approvedLookup(addresses: readonly string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter((entry) => wanted === undefined || entry.family === wanted);
    const [first] = usable;
    if (!first) {
      const error = Object.assign(new Error('no approved address'), { code: 'ENOTFOUND' });
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/**
 * The log's excerpt of a body: whole UTF-8 characters within 2 KiB (a character cut at the limit
 * is left out, invalid bytes become U+FFFD), without NULs, which a text column refuses.
 */
export function excerptOf(bytes: Uint8Array): string {
  const head = bytes.subarray(0, RESPONSE_EXCERPT_MAX_BYTES);
  // `stream: true` holds back an incomplete last character instead of replacing it.
  const text = new TextDecoder('utf-8').decode(head, { stream: true }).replaceAll('\u0000', '');
  if (Buffer.byteLength(text) <= RESPONSE_EXCERPT_MAX_BYTES) return text;
  // Each U+FFFD takes 3 bytes for the 1 it replaced: cut again, at a character.
  let excerpt = '';
  let size = 0;
  for (const character of text) {
    size += Buffer.byteLength(character);
    if (size > RESPONSE_EXCERPT_MAX_BYTES) break;
    excerpt += character;
  }
  return excerpt;
}
