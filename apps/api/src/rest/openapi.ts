import type { AnyRouter } from '@trpc/server';
import { ERROR_CODES } from '@peasswap/domain';
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

export function buildOpenApiDocument(router: AnyRouter, serverUrl = '/') {
  const components: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of listRestOperations(router)) {
    const byMethod = (paths[operation.meta.path] ??= {});
    byMethod[operation.meta.method.toLowerCase()] = operationObject(operation, components);
  }
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
