import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import secureJson from 'secure-json-parse';
import { DomainError } from '@peasswap/domain';
import { TRPC_PATH } from './trpc.js';

const notJson = () => new DomainError('json_invalid', 'The request body is not valid JSON.');
const notUtf8 = () =>
  new DomainError('json_invalid', 'The request body is not valid UTF-8, as JSON must be.');

/** Fatal: a byte that is not UTF-8 is an error, never silently read as U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Visit {
  node: unknown;
  key: string;
  parent: Visit | undefined;
}

function pathOf(visit: Visit): string[] {
  const path: string[] = [];
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) path.push(at.key);
  return path.reverse();
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Where a body's value carries what secure-json-parse refuses (`__proto__` anywhere, or a
 * `constructor` holding `prototype`), as the dotted param of the offending key. Breadth first, as
 * secure-json-parse searches, over a plain parse that only has own properties; each visit points
 * to its parent, so a deeply nested body costs no more than its size.
 */
function poisonedKeyPath(value: unknown): string | undefined {
  let level: Visit[] = [{ node: value, key: '', parent: undefined }];
  while (level.length > 0) {
    const next: Visit[] = [];
    for (const visit of level) {
      const { node } = visit;
      if (!isObject(node)) continue;
      if (Object.hasOwn(node, '__proto__')) return [...pathOf(visit), '__proto__'].join('.');
      const record = node as Record<string, unknown>;
      const ownConstructor = Object.hasOwn(node, 'constructor') ? record.constructor : undefined;
      if (isObject(ownConstructor) && Object.hasOwn(ownConstructor, 'prototype')) {
        return [...pathOf(visit), 'constructor'].join('.');
      }
      for (const key of Object.keys(record)) next.push({ node: record[key], key, parent: visit });
    }
    level = next;
  }
  return undefined;
}

/**
 * JSON text to a value, with Fastify's own prototype-poisoning guard. A poisoned key is refused
 * by name, never dropped: the client learns which field, and nothing is stored.
 */
function parseJson(text: string): unknown {
  try {
    return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    // secure-json-parse throws a SyntaxError for malformed JSON and for a poisoned key alike.
    let plain: unknown;
    try {
      plain = JSON.parse(text);
    } catch {
      throw notJson();
    }
    const param = poisonedKeyPath(plain);
    throw new DomainError(
      'parameter_invalid',
      param === undefined
        ? 'The request body holds a reserved key (__proto__, or constructor with prototype).'
        : `Invalid ${param}: __proto__, and constructor holding prototype, are reserved keys.`,
      param === undefined ? {} : { param },
    );
  }
}

/** Passes bytes through unchanged, failing the body as soon as they stop being UTF-8. */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
      done(null, chunk);
    } catch {
      done(notUtf8());
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode(); // a sequence cut off at the end of the body
      done();
    } catch {
      done(notUtf8());
    }
  }
}

const isJsonOnTrpc = (request: FastifyRequest) =>
  TRPC_PATH.test(request.url) &&
  /^application\/json\b/i.test(request.headers['content-type'] ?? '');

/**
 * JSON request bodies, read as bytes. An empty body (a DELETE sent with
 * `Content-Type: application/json`) is no body at all; bytes that are not UTF-8 and text that is
 * not JSON are refused with `json_invalid`; a reserved key (`__proto__`, `constructor.prototype`)
 * is refused with `parameter_invalid` naming it. Fastify enforces the body limit before this.
 */
export const jsonBodyPlugin = fp(
  (app, _options, done) => {
    // JSON only: Fastify's default text/plain parser would hand a procedure a string body.
    app.removeContentTypeParser('text/plain');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      const bytes = body as Buffer;
      if (bytes.length === 0) return done(null, undefined);
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        return done(notUtf8());
      }
      try {
        done(null, parseJson(text));
      } catch (error) {
        done(error as DomainError);
      }
    });

    // tRPC registers its own JSON parser for `/trpc` (it parses the text itself); its bytes are
    // held to the same UTF-8 rule on the way in, before Fastify decodes them into that text.
    app.addHook('preParsing', async (request, _reply, payload) => {
      if (!isJsonOnTrpc(request)) return payload;
      const checked = new Utf8Check();
      payload.on('error', (error) => checked.destroy(error));
      return payload.pipe(checked);
    });
    done();
  },
  { name: 'json-body' },
);
