import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERROR_TYPE_BY_CODE,
  ID_PREFIXES,
  MAX_ID_LENGTH,
  type ErrorCode,
  type IdKind,
} from '@peasswap/domain';
import { rowsOf } from '../src/db/client.js';
import { engine, http, newAccount, startServer, testDatabase, uniqueEmail } from './harness.js';

/**
 * Property-based fuzzing of every operation the server documents in its own `/openapi.json`, over
 * REST and over tRPC: valid-ish requests and wrong types, huge and odd strings, unicode edge cases,
 * unknown fields, bad ids and cursors, broken bodies. Whatever is sent, the server never answers
 * 5xx, every refusal is exactly the error envelope with a known code and the response's request
 * id, and a refused request stores nothing. Bounded and seeded, so CI runs are repeatable:
 * `FUZZ_SEED=123 FUZZ_RUNS=200 pnpm exec vitest run test/fuzz.test.ts` replays or digs deeper.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_407);
/** Requests per operation over REST; tRPC gets half as many. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

// The document is read from the running server at collection time, so each operation is a test.
const server = await startServer();
afterAll(() => server.close());
const account = await newAccount('Fuzz merchant');
const stranger = await newAccount('Fuzz stranger');
const document = (await http(server, 'GET', '/openapi.json')).body as OpenApiDocument;

// --- the document ------------------------------------------------------------------------------

interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  example?: unknown;
  description?: string;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: OpenApiParameter[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
      }
    >
  >;
}

interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: OpenApiParameter[];
  body: JsonSchema | undefined;
}

function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref?.startsWith('#/')) return schema;
  const target = schema.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], document);
  return resolve(target as JsonSchema);
}

const operations: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema,
  })),
);

// --- what exists to aim at: ids of every kind, some foreign or deleted -------------------------

async function created(key: string, path: string, body: object): Promise<string> {
  const res = await http(server, 'POST', path, { key, body });
  if (res.status !== 200) throw new Error(`seeding ${path} failed: ${res.text}`);
  return res.body.id as string;
}

const nearlyFull = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
const customer = await created(account.testKey, '/v1/customers', {
  name: 'Fuzz Ada',
  email: uniqueEmail('fuzz'),
  metadata: nearlyFull,
});
const deleted = await created(account.testKey, '/v1/customers', {
  name: 'Fuzz Gone',
  email: uniqueEmail('fuzz'),
});
await http(server, 'DELETE', `/v1/customers/${deleted}`, { key: account.testKey });
const bob = await created(account.testKey, '/v1/customers', {
  name: 'Fuzz Bob',
  email: uniqueEmail('fuzz'),
  phone: '+14155550123',
});
/** The account's own live objects, which requests should mostly aim at. */
const LIVE_IDS = [
  customer,
  bob,
  await created(account.testKey, '/v1/payments', {
    amount: 500,
    currency: 'usd',
    customer,
    paymentMethod: 'pm_card_visa',
  }),
  await created(account.testKey, '/v1/payments', { amount: 700, currency: 'jpy' }),
];
/** Objects that exist but not for this key: 404s, exactly like ids that never existed. */
const UNREACHABLE_IDS = [
  deleted,
  await created(stranger.testKey, '/v1/customers', { name: 'Other', email: uniqueEmail('fuzz') }),
  await created(account.liveKey, '/v1/customers', { name: 'Live', email: uniqueEmail('fuzz') }),
];
const KNOWN_IDS = [...LIVE_IDS, ...UNREACHABLE_IDS];
/** Customers kept for the DELETEs to aim at, so the others stay for every other operation. */
const DELETABLE_IDS = await Promise.all(
  ['One', 'Two', 'Three', 'Four', 'Five'].map((name) =>
    created(account.testKey, '/v1/customers', { name: `Fuzz ${name}`, email: uniqueEmail('fuzz') }),
  ),
);

// --- arbitraries ------------------------------------------------------------------------------

// prettier-ignore
const EDGE_TEXT = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\udc00\ud800y', '🚀\ud83d',
  '\u200f', '\u202eevil', '\u200b', '\ufeff', '\u2028', '\ufffd', '\uffff', '\u{10ffff}',
  'e\u0301', 'Z\u0336\u0337\u0338\u0489', '😀', '👩‍👩‍👧', '🏳️‍🌈', 'İıßﬀǅ', 'שלום', '\t\n\r',
  '%', '_', '\\', '"', "' or '1'='1' --", '%00', '%ff', '../..', '/', '?#&=+',
  '<script>alert(1)</script>', '${x}{{x}}', '4242 4242 4242 4242', '4000-0000-0000-0002',
  '-1', '1e309', 'null', '__proto__', 'constructor', 'ada@example.com', '+14155550123',
];

/** Strings past every field's limit, but each well inside the 1 MiB body limit. */
const HUGE_TEXT = [
  'x'.repeat(257),
  'x'.repeat(1001),
  'é'.repeat(5000),
  'a'.repeat(65_536),
  '😀'.repeat(50_000),
  '\ud800'.repeat(2000),
  '4'.repeat(19),
  ' '.repeat(10_000),
  '\u0000'.repeat(100),
];

const oddText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(fc.constantFrom(...EDGE_TEXT), fc.string({ unit: 'binary-ascii', maxLength: 4 })),
        { maxLength: 8 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_TEXT) },
);

/** The unicode a careful parser must get right: halves of pairs, NUL, direction marks, joins. */
// prettier-ignore
const UNICODE_EDGES = [
  '\ud800', '\udfff', 'x\udc00\ud800y', '🚀\ud83d', '\u0000', '\u200f', '\u202e', 'e\u0301',
  '👩‍👩‍👧', '😀', '\ufeff', '\u2028', '\uffff', '\u{10ffff}',
];

/** Short text made of edge cases, cut to a field's length (a cut may split a pair, too). */
const edgyText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
        { weight: 1, arbitrary: fc.constantFrom(...EDGE_TEXT) },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.join('').slice(0, maxLength));

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(1.5, -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.array(oddText, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Own properties even for `__proto__` (as JSON.parse makes them), unlike `obj[key] = value`. */
const record = (entries: fc.Arbitrary<[string, unknown][]>) =>
  entries.map((pairs) => Object.fromEntries(pairs));

/** Ids are the strings of at most MAX_ID_LENGTH characters, or whose example looks like one. */
const isIdSchema = (schema: JsonSchema) =>
  schema.maxLength === MAX_ID_LENGTH ||
  (typeof schema.example === 'string' && /^[a-z]+_[0-9A-Za-z]{8,}$/.test(schema.example));

/**
 * Ids for a field: ours of the kind its example shows (`cus_...`) or its name says (`customer`,
 * by the domain's own prefixes), the live ones thrice; and ids the document names itself, such as
 * the test payment methods in a description. Any of ours when neither tells the kind (cursors).
 */
function idsFor(schema: JsonSchema, name: string): string[] {
  const mentioned = (schema.description ?? '').match(/\b[a-z]+_[A-Za-z0-9_]+\b/g) ?? [];
  const prefix =
    /^([a-z]+)_/.exec(typeof schema.example === 'string' ? schema.example : '')?.[1] ??
    (Object.hasOwn(ID_PREFIXES, name) ? ID_PREFIXES[name as IdKind] : undefined);
  const ofKind = (ids: string[]) =>
    prefix === undefined ? ids : ids.filter((id) => id.startsWith(`${prefix}_`));
  const ours = [
    ...ofKind(LIVE_IDS),
    ...ofKind(LIVE_IDS),
    ...ofKind(LIVE_IDS),
    ...ofKind(UNREACHABLE_IDS),
  ];
  const named = mentioned.filter((id) => prefix === undefined || id.startsWith(`${prefix}_`));
  const ids = [...ours, ...named];
  return ids.length > 0 ? ids : KNOWN_IDS;
}

const BAD_IDS = [
  'cus_neverexisted000000000000',
  'pay_',
  '_',
  `cus_${'A'.repeat(MAX_ID_LENGTH - 4)}`,
  `cus_${'A'.repeat(MAX_ID_LENGTH - 3)}`,
  customer.toUpperCase(),
  ` ${customer}`,
  `${customer}\u0000`,
  `${customer}\ud800`,
];

const isoTimestamp = fc
  .date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Aimed at valid: a request made only of these reaches the queries and stores things. */
function valid(raw: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => valid(choice, name)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const example = typeof schema.example === 'string' ? schema.example : undefined;
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 });
    case 'string':
      if (schema.format === 'date-time') return isoTimestamp;
      if (isIdSchema(schema)) return fc.constantFrom(...idsFor(schema, name));
      if (example === undefined) {
        const min = Math.max(schema.minLength ?? 0, 1);
        return fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.max(min, 20) });
      }
      // An example that is an address gets a unique mailbox half the time (or it is taken).
      if (!example.includes('@')) return fc.constant(example);
      return fc.oneof(
        fc.constant(example),
        fc.stringMatching(/^[a-z0-9]{6,10}$/).map((mailbox) => `${mailbox}.${example}`),
      );
    case 'object':
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        return fc.record(
          Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, valid(v, k)])),
          { requiredKeys: [...required] },
        );
      }
      return record(
        fc.array(
          fc.tuple(
            fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
            valid(
              typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {},
            ),
          ),
          { maxLength: 3 },
        ),
      );
    default:
      return fc.constant(null);
  }
}

/** One value gone wrong for `schema`: mostly well-typed text full of edge cases. */
function mutantOf(raw: JsonSchema): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const max = schema.maxLength ?? schema.anyOf?.find((s) => s.maxLength)?.maxLength ?? 60;
  return fc.oneof(
    { weight: 6, arbitrary: edgyText(max) },
    { weight: isIdSchema(schema) ? 3 : 0, arbitrary: fc.constantFrom(...BAD_IDS) },
    { weight: 1, arbitrary: fc.constantFrom(max, max + 1).map(repeatX) },
    { weight: 2, arbitrary: oddText },
    { weight: 2, arbitrary: wrongType },
  );
}

/** Where in a body one thing goes wrong, as data so a counterexample shows it. */
type Mutation =
  | { set: string; value: unknown }
  | { drop: string }
  | { into: string; key: string; value: unknown };

function mutationOf(raw: JsonSchema): fc.Arbitrary<Mutation> {
  const schema = resolve(raw);
  const fields = Object.entries(schema.properties ?? {});
  const records = fields.filter(([, f]) => resolve(f).type === 'object' && !resolve(f).properties);
  const unknownField = fc
    .tuple(fc.oneof(fc.constantFrom('extra', 'Name', 'livemode', '__proto__'), oddText), wrongType)
    .map(([key, value]): Mutation => ({ set: key, value }));
  const mutations: fc.WeightedArbitrary<Mutation>[] = [{ weight: 1, arbitrary: unknownField }];
  if (fields.length > 0) {
    const setField = fields.map(([k, f]) => mutantOf(f).map((value) => ({ set: k, value })));
    mutations.push(
      { weight: 4, arbitrary: fc.oneof(...setField) },
      { weight: 1, arbitrary: fc.constantFrom(...fields.map(([k]) => ({ drop: k }))) },
    );
  }
  // A key or a value of a record (metadata) gone wrong, next to what is already there.
  for (const [name, field] of records) {
    const values = resolve(field).additionalProperties;
    const valueSchema = typeof values === 'object' ? values : {};
    const badKey = fc.oneof(
      edgyText(41),
      fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'k'.repeat(41)),
    );
    mutations.push({
      weight: 4,
      arbitrary: fc.oneof(
        fc
          .tuple(badKey, valid(valueSchema))
          .map(([key, value]): Mutation => ({ into: name, key, value })),
        mutantOf(valueSchema).map((value): Mutation => ({ into: name, key: 'edge', value })),
      ),
    });
  }
  return fc.oneof(...mutations);
}

function mutate(body: unknown, mutation: Mutation | undefined): unknown {
  if (!mutation || typeof body !== 'object' || body === null) return body;
  const copy = Object.fromEntries(Object.entries(body));
  if ('drop' in mutation) delete copy[mutation.drop];
  else if ('set' in mutation) Object.defineProperty(copy, mutation.set, enumerable(mutation.value));
  else {
    const inner: unknown = copy[mutation.into];
    const target = typeof inner === 'object' && inner !== null ? Object.entries(inner) : [];
    copy[mutation.into] = Object.fromEntries([...target, [mutation.key, mutation.value]]);
  }
  return copy;
}

const enumerable = (value: unknown): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});

// The hostile side: anything goes, everywhere at once.

function textLike(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 60;
  return fc.oneof(
    { weight: 2, arbitrary: valid(schema) as fc.Arbitrary<string> },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 60) }),
    },
    { weight: 2, arbitrary: edgyText(max) },
    { weight: 1, arbitrary: fc.constantFrom(max, max + 1, Math.max(min - 1, 0)).map(repeatX) },
    { weight: 3, arbitrary: oddText },
  );
}

const repeatX = (length: number) => 'x'.repeat(length);

const timestampLike = fc.oneof(
  { weight: 2, arbitrary: isoTimestamp },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2024-02-30T00:00:00Z',
      '2024-01-01',
      'now',
      '2024-01-01T00:00:00+25:00',
      '2024-01-01T00:00:00.123456789+05:30',
      '9999-12-31T23:59:59.999Z',
      '0000-01-01T00:00:00Z',
    ),
  },
  { weight: 1, arbitrary: oddText },
);

function numberLike(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e9;
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 2, arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 31, 2 ** 53, 1.5) },
  );
}

function objectLike(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, field]) =>
    fc.option(
      valueOf(field, name).map((value): [string, unknown] => [name, value]),
      // fast-check leaves a field out one time in `freq`.
      { nil: undefined, freq: required.has(name) ? 8 : 2 },
    ),
  );
  const unknownFields = fc.oneof(
    { weight: 3, arbitrary: fc.constant<[string, unknown][]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('extra', 'created_at', 'object', '__proto__'), oddText),
          fc.oneof(oddText, wrongType),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    },
  );
  return fc
    .tuple(fc.tuple(...fields), unknownFields)
    .map(([present, extra]) =>
      Object.fromEntries([
        ...present.filter((field): field is [string, unknown] => field !== undefined),
        ...extra,
      ]),
    );
}

function recordLike(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: edgyText(41) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'k0') },
    { weight: 1, arbitrary: oddText },
  );
  const value = fc.oneof({ weight: 6, arbitrary: valueOf(values) }, fc.constant(null));
  return fc.oneof(
    { weight: 6, arbitrary: record(fc.array(fc.tuple(key, value), { maxLength: 5 })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 49, max: 52 })
        .map((size) => Object.fromEntries(Array.from({ length: size }, (_, i) => [`n${i}`, 'v']))),
    },
  );
}

/** Something near what the schema asks for, often not quite. */
function validish(raw: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => validish(choice, name)));
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), oddText);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numberLike(schema);
    case 'string':
      if (schema.format === 'date-time') return timestampLike;
      return isIdSchema(schema)
        ? fc.oneof(valid(schema, name), fc.constantFrom(...BAD_IDS), oddText)
        : textLike(schema);
    case 'object':
      return schema.properties ? objectLike(schema) : recordLike(schema);
    default:
      return fc.oneof(valid(schema), fc.jsonValue({ maxDepth: 2 }));
  }
}

/** Valid-ish, or the wrong type, or odd text. */
function valueOf(schema: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: validish(schema, name) },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: oddText },
  );
}

/** A URL segment sent as is: bad escapes, encoded NUL, slashes, a surrogate as UTF-8 bytes. */
interface RawSegment {
  raw: string;
}
const rawSegment = fc.constantFrom<RawSegment>(
  { raw: '%FF' },
  { raw: '%' },
  { raw: '%zz' },
  { raw: '%ED%A0%80' },
  { raw: '%C0%AF' },
  { raw: 'a%00b' },
  { raw: '..' },
  { raw: '%2F' },
  { raw: '%20' },
);

type BodyEncoding = 'json' | 'truncated' | 'invalid-utf8' | 'empty' | 'text/plain';

/**
 * Half the requests are gentle: valid from the document's own examples and our ids, with at most
 * one thing gone wrong, so they reach the queries and store things. Half are hostile: anything
 * anywhere, broken bodies and bad URLs.
 */
type Temper = 'gentle' | 'hostile';

interface FuzzRequest {
  temper: Temper;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  encoding: BodyEncoding;
  /** Where a body is cut or a bad byte goes, as a fraction of its length. */
  at: number;
  idempotencyKey: string | undefined;
}

/**
 * URLs are kept under Node's 16 KiB limit on a request's head: past it the request never reaches
 * the API (Node refuses it, answered 431 in the envelope: tested at the end of this file).
 */
const MAX_URL_LENGTH = 12_000;
const urlFits = (operation: Operation) => (request: FuzzRequest) =>
  restUrl(operation, request).length <= MAX_URL_LENGTH &&
  trpcQueryUrl(operation, request).length <= MAX_URL_LENGTH;

type Transport = 'rest' | 'trpc';

function requestOf(operation: Operation): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(gentleRequest(operation), hostileRequest(operation)).filter(urlFits(operation));
}

const namesOf = (operation: Operation, place: 'path' | 'query') =>
  operation.parameters.filter((p) => p.in === place);

type Fault = { param: string; value: unknown } | { body: Mutation } | undefined;

function gentleRequest(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const inPath = namesOf(operation, 'path');
  const inQuery = namesOf(operation, 'query');
  // Path parameters always (a DELETE's from its own pool); each query parameter one time in
  // three (two cursors at once are refused).
  const pathValue = (p: OpenApiParameter) =>
    operation.method === 'DELETE'
      ? fc.constantFrom(...DELETABLE_IDS, ...UNREACHABLE_IDS)
      : valid(p.schema, p.name);
  const values = (list: OpenApiParameter[]) =>
    fc
      .tuple(
        ...list.map((p) =>
          p.in === 'path'
            ? pathValue(p)
            : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, valid(p.schema, p.name)),
        ),
      )
      .map((values) =>
        Object.fromEntries(
          list.flatMap((p, i) => (values[i] === undefined ? [] : [[p.name, values[i]]])),
        ),
      );
  // At most one thing wrong, one time in two: a parameter or a part of the body.
  const params = [...inPath, ...inQuery];
  const faults: fc.WeightedArbitrary<Fault>[] = [{ weight: 1, arbitrary: fc.constant(undefined) }];
  if (params.length > 0) {
    const paramFault = params.map((p) =>
      mutantOf(p.schema).map((value): Fault => ({ param: p.name, value })),
    );
    faults.push({ weight: 1, arbitrary: fc.oneof(...paramFault) });
  }
  if (operation.body) {
    const bodyFault = mutationOf(operation.body).map((mutation): Fault => ({ body: mutation }));
    faults.push({ weight: 3, arbitrary: bodyFault });
  }
  const fault = fc.oneof(...faults);
  return fc
    .record({
      path: values(inPath),
      query: values(inQuery),
      body: operation.body ? valid(operation.body) : fc.constant(undefined),
      fault,
      idempotencyKey: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.uuid() },
      ),
    })
    .map(({ path, query, body, fault, idempotencyKey }): FuzzRequest => {
      const param = fault && 'param' in fault ? fault : undefined;
      const inUrl = param && inPath.some((p) => p.name === param.param) ? 'path' : 'query';
      return {
        temper: 'gentle',
        path: param && inUrl === 'path' ? { ...path, [param.param]: param.value } : path,
        query: param && inUrl === 'query' ? { ...query, [param.param]: param.value } : query,
        body: fault && 'body' in fault ? mutate(body, fault.body) : body,
        encoding: 'json',
        at: 0,
        idempotencyKey,
      };
    });
}

function hostileRequest(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const inPath = namesOf(operation, 'path');
  const inQuery = namesOf(operation, 'query');
  const pathValues = fc.tuple(
    ...inPath.map((p) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary:
            operation.method === 'DELETE'
              ? fc.oneof(fc.constantFrom(...DELETABLE_IDS), fc.constantFrom(...BAD_IDS), oddText)
              : valueOf(p.schema, p.name),
        },
        { weight: 1, arbitrary: rawSegment },
      ),
    ),
  );
  const queryValues = fc.tuple(
    ...inQuery.map((p) =>
      fc.option(
        fc.oneof(
          { weight: 6, arbitrary: valueOf(p.schema, p.name) },
          {
            weight: 1,
            arbitrary: fc.array(validish(p.schema, p.name), { minLength: 2, maxLength: 2 }),
          },
          { weight: 1, arbitrary: rawSegment },
        ),
        { nil: undefined, freq: 2 },
      ),
    ),
  );
  const unknownQuery = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom('expand', 'Limit', 'starting_after', '__proto__', 'q'),
        oddText,
      ),
    },
  );
  const body = operation.body
    ? fc.oneof(
        { weight: 6, arbitrary: validish(operation.body) },
        { weight: 1, arbitrary: wrongType },
      )
    : fc.constant(undefined);
  return fc.record({
    temper: fc.constant<Temper>('hostile'),
    path: pathValues.map((values) => Object.fromEntries(inPath.map((p, i) => [p.name, values[i]]))),
    query: fc
      .tuple(queryValues, unknownQuery)
      .map(([values, extra]) =>
        Object.fromEntries([
          ...inQuery.flatMap((p, i) => (values[i] === undefined ? [] : [[p.name, values[i]]])),
          ...(extra ? [extra] : []),
        ]),
      ),
    body,
    encoding: fc.oneof(
      { weight: 4, arbitrary: fc.constant<BodyEncoding>('json') },
      fc.constantFrom<BodyEncoding>('truncated', 'invalid-utf8', 'empty', 'text/plain'),
    ),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    idempotencyKey: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) },
    ),
  });
}

// --- sending -------------------------------------------------------------------------------------

const isRaw = (value: unknown): value is RawSegment =>
  typeof value === 'object' && value !== null && 'raw' in value;

/** Percent-encoding that survives lone surrogates (encodeURIComponent throws): their WTF-8 bytes. */
function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0xd800 || code > 0xdfff) {
      out += encodeURIComponent(char);
      continue;
    }
    const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  }
  return out;
}

const asText = (value: unknown) =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
const urlPart = (value: unknown) => (isRaw(value) ? value.raw : percentEncode(asText(value)));
const inputValue = (value: unknown) => (isRaw(value) ? value.raw : value);

function encodeBody(request: FuzzRequest, value: unknown) {
  const json = JSON.stringify(value) ?? '';
  const cut = Math.floor(request.at * json.length);
  switch (request.encoding) {
    case 'json':
      return { type: 'application/json', bytes: Buffer.from(json) };
    case 'truncated':
      return { type: 'application/json', bytes: Buffer.from(json.slice(0, cut)) };
    case 'invalid-utf8':
      return {
        type: 'application/json',
        bytes: Buffer.concat([
          Buffer.from(json.slice(0, cut)),
          Buffer.from([0xff]),
          Buffer.from(json.slice(cut)),
        ]),
      };
    case 'empty':
      return { type: 'application/json', bytes: Buffer.alloc(0) };
    case 'text/plain':
      return { type: 'text/plain', bytes: Buffer.from(json) };
  }
}

interface Sent {
  method: string;
  url: string;
  status: number;
  requestId: string | null;
  /** An idempotent retry: the first answer byte for byte, so its body names the first request. */
  replayed: boolean;
  contentType: string;
  text: string;
  body: any;
}

async function send(
  method: string,
  url: string,
  request: FuzzRequest,
  body: unknown,
  hasBody: boolean,
): Promise<Sent> {
  const headers: Record<string, string> = { authorization: `Bearer ${account.testKey}` };
  if (request.idempotencyKey !== undefined && method === 'POST') {
    headers['idempotency-key'] = request.idempotencyKey;
  }
  let payload: Buffer | undefined;
  if (hasBody) {
    const encoded = encodeBody(request, body);
    headers['content-type'] = encoded.type;
    payload = encoded.bytes;
  }
  const response = await fetch(`${server.url}${url}`, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return {
    method,
    url,
    status: response.status,
    requestId: response.headers.get('request-id'),
    replayed: response.headers.get('idempotent-replayed') === 'true',
    contentType: response.headers.get('content-type') ?? '',
    text,
    body: parsed,
  };
}

function restUrl(operation: Operation, request: FuzzRequest): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    urlPart(request.path[name]),
  );
  const query = Object.entries(request.query)
    .flatMap(([name, value]) =>
      Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]],
    )
    .map(([name, value]) => `${percentEncode(asText(name))}=${urlPart(value)}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

function sendRest(operation: Operation, request: FuzzRequest): Promise<Sent> {
  const url = restUrl(operation, request);
  return send(operation.method, url, request, request.body, operation.body !== undefined);
}

/** tRPC's input from what REST puts in the URL: path and query values, as JSON values. */
const trpcUrlInput = (request: FuzzRequest) =>
  Object.fromEntries(
    Object.entries({ ...request.query, ...request.path }).map(([k, v]) => [k, inputValue(v)]),
  );

const trpcQueryUrl = (operation: Operation, request: FuzzRequest) =>
  operation.method === 'GET'
    ? `/trpc/${operation.id}?input=${encodeURIComponent(JSON.stringify(trpcUrlInput(request)))}`
    : `/trpc/${operation.id}`;

function sendTrpc(operation: Operation, request: FuzzRequest): Promise<Sent> {
  const fromUrl = trpcUrlInput(request);
  if (operation.method === 'GET') {
    return send('GET', trpcQueryUrl(operation, request), request, undefined, false);
  }
  const body = operation.body === undefined ? {} : request.body;
  const input =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? Object.fromEntries([...Object.entries(body), ...Object.entries(fromUrl)])
      : body;
  return send('POST', `/trpc/${operation.id}`, request, input, true);
}

// --- what must hold --------------------------------------------------------------------------------

/**
 * What the API stores for a merchant: every table with an `account_id`, found in the catalogue so
 * a table added later is watched too. Not the kept answers of idempotent requests (a refusal is
 * stored for replay, by design), the last use of API keys, or dashboard users and sessions.
 */
const NOT_MERCHANT_DATA = new Set(['idempotency_keys', 'api_keys', 'users', 'sessions']);
const { db } = await testDatabase();
const merchantTables = rowsOf<{ name: string }>(
  await db.execute(sql`select table_name as name from information_schema.columns
    where column_name = 'account_id' and table_schema = current_schema() order by table_name`),
)
  .map(({ name }) => name)
  .filter((name) => !NOT_MERCHANT_DATA.has(name));

/** Everything the fuzz account has stored, as one digest. */
async function storedState(): Promise<string> {
  const parts = merchantTables.map(
    (table) => sql`(select coalesce(string_agg(t::text, '|' order by t::text), '')
      from ${sql.identifier(table)} t where t.account_id = ${account.accountId})`,
  );
  const [row] = rowsOf<{ digest: string }>(
    await db.execute(sql`select md5(concat(${sql.join(parts, sql`, `)})) as digest`),
  );
  return row?.digest ?? '';
}

/**
 * The statuses each error type may carry (SPEC §3, with 405, 413 and 415 for routes, size and a
 * body the route cannot read).
 */
const STATUSES_BY_TYPE: Record<string, number[]> = {
  invalid_request_error: [400, 404, 405, 409, 413, 415],
  authentication_error: [401],
  permission_error: [403],
  idempotency_error: [400, 409],
  rate_limit_error: [429],
};

function expectKnownError(error: Record<string, unknown>, sent: Sent, context: string) {
  const code = error.code as ErrorCode;
  expect(ERROR_CODES, context).toContain(code);
  expect(error.type, context).toBe(ERROR_TYPE_BY_CODE[code]);
  expect(STATUSES_BY_TYPE[String(error.type)], context).toContain(sent.status);
  expect(sent.requestId, context).toMatch(/^req_/);
  if (sent.replayed) expect(error.requestId, context).toMatch(/^req_/);
  else expect(error.requestId, context).toBe(sent.requestId);
  if (error.param !== undefined) expect(typeof error.param, context).toBe('string');
}

function expectRestAnswer(sent: Sent, context: string) {
  if (sent.status < 400) {
    // The CSV export answers a file: its header line, then a customer a line.
    if (sent.contentType.startsWith('text/csv')) expect(sent.text, context).toMatch(/^id,name,/);
    else expect(sent.body, context).toBeTypeOf('object');
    return;
  }
  expect(Object.keys(sent.body ?? {}), context).toEqual(['error']);
  const error = sent.body.error as Record<string, unknown>;
  expectKnownError(error, sent, context);
  expect(error.message, context).toBeTypeOf('string');
  expect(String(error.message).length, context).toBeGreaterThan(0);
  // Anything past the envelope's own fields is a fact about the error, such as `customer`.
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'param') expect(value, `${context} (error.${key})`).toBeTypeOf('string');
  }
}

function expectTrpcAnswer(sent: Sent, context: string) {
  if (sent.status < 400) {
    expect(sent.body, context).toHaveProperty('result');
    return;
  }
  expect(Object.keys(sent.body ?? {}), context).toEqual(['error']);
  const { message, code, data } = sent.body.error as Record<string, any>;
  expect(message, context).toBeTypeOf('string');
  expect(code, context).toBeTypeOf('number');
  expect(data.httpStatus, context).toBe(sent.status);
  expectKnownError(data as Record<string, unknown>, sent, context);
}

const show = (sent: Sent) =>
  `${sent.method} ${sent.url.slice(0, 300)} → ${sent.status} ${sent.text.slice(0, 500)}`;

async function check(
  transport: Transport,
  operation: Operation,
  request: FuzzRequest,
): Promise<void> {
  const before = await storedState();
  const sent = await (transport === 'rest' ? sendRest : sendTrpc)(operation, request);
  const context = show(sent);
  expect(sent.status, `a 5xx: ${context}`).toBeLessThan(500);
  if (transport === 'rest') expectRestAnswer(sent, context);
  else expectTrpcAnswer(sent, context);
  if (sent.status >= 400) expect(await storedState(), `a 4xx stored: ${context}`).toBe(before);
}

/** fast-check's report (seed, path, shrunk counterexample) with the way to replay it. */
async function fuzz(
  name: string,
  run: { seed: number; numRuns: number },
  property: fc.IAsyncProperty<[FuzzRequest]>,
) {
  try {
    await fc.assert(property, run);
  } catch (error) {
    throw new Error(
      `${name} (${engine}): replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n${(error as Error).message}`,
      { cause: error },
    );
  }
}

describe('fuzz: every operation in /openapi.json', () => {
  it('watches customers and payments, and sees a write, so "a 4xx stored nothing" can fail', async () => {
    expect(merchantTables).toEqual(expect.arrayContaining(['customers', 'payments']));
    const before = await storedState();
    await created(account.testKey, '/v1/customers', { name: 'Seen', email: uniqueEmail('fuzz') });
    expect(await storedState()).not.toBe(before);
  });

  it('finds the operations to fuzz in the document', () => {
    expect(operations.map((op) => op.id)).toEqual(
      expect.arrayContaining(['customers.create', 'customers.update', 'payments.create']),
    );
  });

  describe.each(operations.map((op) => [`${op.method} ${op.path} (${op.id})`, op] as const))(
    '%s',
    (name, operation) => {
      it('over REST', { timeout: 180_000 }, async () => {
        await fuzz(
          `REST ${name}`,
          { seed: SEED, numRuns: RUNS },
          fc.asyncProperty(requestOf(operation), (request) => check('rest', operation, request)),
        );
      });

      it('over tRPC', { timeout: 180_000 }, async () => {
        await fuzz(
          `tRPC ${name}`,
          // Another seed, or tRPC would replay REST's first requests (and find their emails taken).
          { seed: SEED + 1, numRuns: Math.ceil(RUNS / 2) },
          fc.asyncProperty(requestOf(operation), (request) => check('trpc', operation, request)),
        );
      });
    },
  );

  it('left Object.prototype alone', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

/** Counterexamples the fuzzer once found (each was a 500 or left the envelope), kept as tests. */
describe('what the fuzzer found, fixed', () => {
  const key = account.testKey;
  const notA500 = async (method: string, path: string, rawBody?: string) => {
    const res = await http(server, method, path, { key, ...(rawBody && { rawBody }) });
    expect(res.status, res.text).toBeLessThan(500);
  };

  it('GET /v1/customers?createdLte=9999-12-31T23:59:59.999Z is not a 500', () =>
    notA500('GET', '/v1/customers?createdLte=9999-12-31T23:59:59.999Z'));

  it('GET /v1/customers?createdGte=0000-01-01T00:00:00Z is not a 500', () =>
    notA500('GET', '/v1/customers?createdGte=0000-01-01T00:00:00Z'));

  it('POST /v1/test_helpers/billing/run {"at": "0000-01-01T00:00:00Z"} is not a 500', () =>
    notA500('POST', '/v1/test_helpers/billing/run', '{"at": "0000-01-01T00:00:00Z"}'));

  // PostgreSQL reads the lone half as U+FFFD (a 404 like any unknown id); PGlite fails the query.
  it('GET /trpc/customers.retrieve with the id "\\u00e9\\udfff" is not a 500', () =>
    notA500(
      'GET',
      `/trpc/customers.retrieve?input=${encodeURIComponent('{"id": "\\u00e9\\udfff"}')}`,
    ));

  it('a request head over 16 KiB is answered in the envelope', async () => {
    const res = await http(server, 'GET', `/v1/customers?query=${'a'.repeat(20_000)}`, { key });
    expect(Object.keys(res.body ?? {})).toEqual(['error']);
    expect(res.body.error.requestId).toBe(res.headers.get('request-id'));
  });
});
