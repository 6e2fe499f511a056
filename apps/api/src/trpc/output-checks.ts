import { TRPCError, type AnyProcedure, type AnyRouter } from '@trpc/server';
import type { z } from 'zod';

/**
 * Whether a procedure's answer is checked against its `.output()` schema.
 *
 * - `strict` (every test, and `OUTPUT_CHECKS=strict`): the answer must parse, and parsing must
 *   change nothing a client would receive: no field the schema does not declare (zod would strip
 *   it silently), no default filled in, no value transformed. A difference fails the call with a
 *   500 naming the paths.
 * - `off` (production's default): the answer is sent as the procedure made it. Safe because the
 *   suites run every procedure in `strict`, so what `off` skips is a parse proven to be an
 *   identity; the parse was a tenth of a simple read's CPU (docs/benchmarks.md).
 *
 * The procedures' schemas stay in place for the types, the OpenAPI document and the tests; only
 * the step that runs them changes.
 */
export type OutputChecks = 'off' | 'strict';

type Middleware = ((opts: {
  next: () => Promise<{ ok: boolean; data?: unknown }>;
}) => Promise<unknown>) & { _type?: string };

interface ProcedureInternals {
  middlewares: Middleware[];
  output?: z.ZodType;
}

const OUTPUT = 'output';

/** Paths where `sent` and `parsed` differ as JSON a client receives (key order aside). */
export function outputDifferences(sent: unknown, parsed: unknown, path = '$'): string[] {
  return jsonDifferences(asJson(sent), asJson(parsed), path);
}

function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

function jsonDifferences(a: unknown, b: unknown, path: string): string[] {
  if (a === b) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path];
    return a.flatMap((item, index) => jsonDifferences(item, b[index], `${path}[${index}]`));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => jsonDifferences(a[key], b[key], `${path}.${key}`));
  }
  return [path];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function strictOutput(schema: z.ZodType): Middleware {
  const middleware: Middleware = async function strictOutputCheck({ next }) {
    const result = await next();
    if (!result.ok) return result;
    let parsed: unknown;
    try {
      parsed = await schema.parseAsync(result.data);
    } catch (cause) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Output validation failed',
        cause,
      });
    }
    const differences = outputDifferences(result.data, parsed);
    if (differences.length > 0) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `Output differs from its schema's parse at ${differences.slice(0, 5).join(', ')}`,
      });
    }
    return result;
  };
  middleware._type = OUTPUT;
  return middleware;
}

/**
 * Set how every procedure of `router` checks its answers (see OutputChecks). Idempotent. A
 * procedure has an output step exactly when it has an output schema (tRPC's `.output()` adds
 * both), so `def.output` says whether one belongs there after `off` removed it.
 */
export function setOutputChecks(router: AnyRouter, mode: OutputChecks): void {
  for (const procedure of Object.values(router._def.procedures as Record<string, AnyProcedure>)) {
    const def = procedure._def as unknown as ProcedureInternals;
    if (!def.output) continue;
    const at = def.middlewares.findIndex((middleware) => middleware._type === OUTPUT);
    const replacement = mode === 'strict' ? strictOutput(def.output) : undefined;
    if (at >= 0) def.middlewares.splice(at, 1, ...(replacement ? [replacement] : []));
    else if (replacement) def.middlewares.splice(def.middlewares.length - 1, 0, replacement);
  }
}
