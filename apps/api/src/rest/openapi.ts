import type { AnyRouter } from '@trpc/server';
import {
  CustomerExportQuerySchema,
  CustomerImportQuerySchema,
  ERROR_CODES,
  ImportReportSchema,
} from '@peasswap/domain';
import type { z } from 'zod';
import { listRestOperations, toJsonSchema, type RestOperation } from './operations.js';

type JsonSchema = Record<string, unknown>;

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Every failure answers with this envelope.',
  properties: {
    error: {
      type: 'object',
      description: 'What went wrong.',
      properties: {
        type: {
          type: 'string',
          description: 'The kind of failure.',
          enum: [
            'invalid_request_error',
            'authentication_error',
            'permission_error',
            'idempotency_error',
            'rate_limit_error',
            'api_error',
          ],
        },
        code: { type: 'string', description: 'What went wrong, for programs.', enum: ERROR_CODES },
        message: { type: 'string', description: 'What went wrong, for people.' },
        param: { type: 'string', description: 'The offending field, when one is to blame.' },
        requestId: { type: 'string', description: 'The id of the request, for support.' },
      },
      required: ['type', 'code', 'message', 'requestId'],
    },
  },
  required: ['error'],
};

/**
 * zod puts named schemas (`.meta({ id })`) under `$defs`; OpenAPI wants them in components. Move
 * them there, point the references at them, and lift descriptions out of `anyOf` wrappers so every
 * field documents itself where a reader looks for it.
 */
function adopt(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const {
    $defs,
    $schema: _dialect,
    ...rest
  } = schema as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    components[name] = rewrite(definition) as JsonSchema;
  }
  return rewrite(rest) as JsonSchema;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/$defs/', '#/components/schemas/')
        : rewrite(value);
  }
  const branches = out.anyOf as JsonSchema[] | undefined;
  if (out.description === undefined && Array.isArray(branches)) {
    const described = branches.find((b) => typeof b.description === 'string');
    if (described) out.description = described.description;
  }
  return out;
}

function operationObject(operation: RestOperation, components: Record<string, JsonSchema>) {
  const { meta } = operation;
  const input = operation.input ? adopt(toJsonSchema(operation.input, 'input'), components) : {};
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required as string[] | undefined) ?? []);
  const usesBody = meta.method === 'POST' || meta.method === 'PUT';

  const parameters = Object.entries(properties)
    .filter(([name]) => operation.pathParams.includes(name) || !usesBody)
    .map(([name, schema]) => ({
      name,
      in: operation.pathParams.includes(name) ? 'path' : 'query',
      required: operation.pathParams.includes(name) || required.has(name),
      description: schema.description,
      schema,
    }));

  const bodyProperties = Object.fromEntries(
    Object.entries(properties).filter(([name]) => !operation.pathParams.includes(name)),
  );
  const output = operation.output
    ? adopt(toJsonSchema(operation.output, 'output'), components)
    : {};

  return {
    operationId: operation.procedurePath,
    summary: meta.summary,
    ...(meta.description !== undefined && { description: meta.description }),
    tags: meta.tags,
    parameters,
    ...(usesBody && {
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              ...input,
              properties: bodyProperties,
              required: [...required].filter((name) => !operation.pathParams.includes(name)),
            },
          },
        },
      },
    }),
    responses: {
      '200': {
        description: 'Success.',
        content: { 'application/json': { schema: output } },
      },
      default: {
        description: 'An error, in the envelope every endpoint shares.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
}

const ERROR_RESPONSE = {
  description: 'An error, in the envelope every endpoint shares.',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function queryParameters(schema: z.ZodType, components: Record<string, JsonSchema>) {
  const input = adopt(toJsonSchema(schema, 'input'), components);
  return Object.entries((input.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, property]) => ({
      name,
      in: 'query',
      required: false,
      description: property.description,
      schema: property,
    }),
  );
}

/**
 * The CSV routes (rest/customer-csv.ts) are no procedures, since one reads a text/csv body and the
 * other streams one; their operations are written here from the same domain schemas.
 */
function csvOperations(components: Record<string, JsonSchema>) {
  return {
    '/v1/customers/import': {
      post: {
        operationId: 'customers.importCsv',
        summary: 'Import customers from CSV',
        description:
          'A header line naming the columns (name, email, phone, description, metadata.<key>; name and email required), then one customer per line; up to 64 MiB, UTF-8, quoted fields as RFC 4180. The whole file is read first: a malformed one (an unclosed quote, an unknown column) writes nothing. Valid rows are written 500 to a transaction, each with its `customer.created` or `customer.updated` event; the answer reports every row with its line.',
        tags: ['Customers'],
        parameters: queryParameters(CustomerImportQuerySchema, components),
        requestBody: {
          required: true,
          content: {
            'text/csv': {
              schema: { type: 'string', description: 'The CSV file, UTF-8.' },
              example:
                'name,email,phone,metadata.plan\nAda Lovelace,ada@example.com,+14155550123,pro\n',
            },
          },
        },
        responses: {
          '200': {
            description: 'The import’s report, row by row.',
            content: {
              'application/json': {
                schema: adopt(toJsonSchema(ImportReportSchema, 'output'), components),
              },
            },
          },
          default: ERROR_RESPONSE,
        },
      },
    },
    '/v1/customers/export.csv': {
      get: {
        operationId: 'customers.exportCsv',
        summary: 'Export customers as CSV',
        description:
          'Every customer the filters match (the list’s filters), newest first, streamed. Columns: id, name, email, phone, description, metadata (a JSON object), created_at. Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR, phone numbers included) are prefixed with a single quote.',
        tags: ['Customers'],
        parameters: queryParameters(CustomerExportQuerySchema, components),
        responses: {
          '200': {
            description: 'The CSV file.',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          default: ERROR_RESPONSE,
        },
      },
    },
  };
}

export function buildOpenApiDocument(router: AnyRouter, serverUrl = '/') {
  const components: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of listRestOperations(router)) {
    const byMethod = (paths[operation.meta.path] ??= {});
    byMethod[operation.meta.method.toLowerCase()] = operationObject(operation, components);
  }
  Object.assign(paths, csvOperations(components));
  return {
    openapi: '3.1.0',
    info: {
      title: 'PeasSwap Customers API',
      version: '1.0.0',
      description:
        'Customer profiles, their payments and analytics. Authenticate with `Authorization: Bearer sk_test_...`. ' +
        'Any POST may carry an `Idempotency-Key`. Lists are newest first and cursor-paginated.',
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A secret (`sk_test_`, `sk_live_`) or restricted (`rk_...`) API key.',
        },
      },
    },
  };
}
