import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { z } from 'zod';
import type { OpenApiMeta } from '../trpc/init.js';

/** One REST operation: a procedure that declares `meta.openapi`, with its schemas at hand. */
export interface RestOperation {
  procedurePath: string;
  /** The procedure itself, called directly by the REST route (no caller proxy per request). */
  procedure: AnyProcedure;
  meta: OpenApiMeta;
  input: z.ZodType | undefined;
  output: z.ZodType | undefined;
  pathParams: string[];
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

export function listRestOperations(router: AnyRouter): RestOperation[] {
  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  return Object.entries(procedures).flatMap(([procedurePath, procedure]) => {
    const def = procedure._def as unknown as {
      meta?: { openapi?: OpenApiMeta };
      inputs: unknown[];
      output?: unknown;
    };
    const meta = def.meta?.openapi;
    if (!meta) return [];
    return [
      {
        procedurePath,
        procedure,
        meta,
        input: def.inputs[0] as z.ZodType | undefined,
        output: def.output as z.ZodType | undefined,
        pathParams: [...meta.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''),
      },
    ];
  });
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

/** Query-string fields whose schema wants a number, so `limit=20` can become 20 at the edge. */
export function numericFields(operation: RestOperation): Set<string> {
  if (!operation.input) return new Set();
  const properties = toJsonSchema(operation.input, 'input').properties ?? {};
  return new Set(
    Object.entries(properties)
      .filter(([, s]) => s.type === 'integer' || s.type === 'number')
      .map(([name]) => name),
  );
}
