import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Context } from '../src/trpc/context.js';
import { createCallerFactory, publicProcedure, router } from '../src/trpc/init.js';
import { outputDifferences, setOutputChecks } from '../src/trpc/output-checks.js';
import { appRouter } from '../src/trpc/root.js';

const Answer = z.object({ id: z.string(), count: z.number().default(0) });

function sampleRouter(answer: unknown) {
  return router({
    read: publicProcedure.output(Answer).query(() => answer as z.infer<typeof Answer>),
  });
}

describe('output checks', () => {
  it('find what a parse would change as the client sees it, key order aside', () => {
    expect(outputDifferences({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toEqual([]);
    expect(outputDifferences({ a: 1, extra: 'x' }, { a: 1 })).toEqual(['$.extra']);
    expect(outputDifferences({ a: 1 }, { a: 1, count: 0 })).toEqual(['$.count']);
    expect(outputDifferences({ list: [{ a: 1, b: 2 }] }, { list: [{ a: 1 }] })).toEqual([
      '$.list[0].b',
    ]);
    // What JSON sends: a Date is its ISO string, an undefined field is no field.
    const at = new Date('2026-01-01T00:00:00Z');
    expect(outputDifferences({ at, gone: undefined }, { at: at.toISOString() })).toEqual([]);
  });

  it('strict: an answer with a field its schema does not declare, or a default filled in, is a 500', async () => {
    for (const answer of [{ id: 'a', count: 1, secret: 'x' }, { id: 'a' }]) {
      const sample = sampleRouter(answer);
      setOutputChecks(sample, 'strict');
      await expect(createCallerFactory(sample)({} as Context).read()).rejects.toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
      });
    }
    const exact = sampleRouter({ id: 'a', count: 1 });
    setOutputChecks(exact, 'strict');
    await expect(createCallerFactory(exact)({} as Context).read()).resolves.toEqual({
      id: 'a',
      count: 1,
    });
  });

  it('off: the answer is sent as made, and strict can be set again', async () => {
    const sample = sampleRouter({ id: 'a', count: 1, secret: 'x' });
    setOutputChecks(sample, 'off');
    setOutputChecks(sample, 'off');
    const caller = createCallerFactory(sample)({} as Context);
    await expect(caller.read()).resolves.toEqual({ id: 'a', count: 1, secret: 'x' });
    setOutputChecks(sample, 'strict');
    await expect(caller.read()).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('the suites run every procedure with its strict check in place', () => {
    const procedures = Object.values(appRouter._def.procedures as object) as {
      _def: { output?: unknown; middlewares: { name: string }[] };
    }[];
    const withOutput = procedures.filter((procedure) => procedure._def.output !== undefined);
    expect(withOutput.length).toBeGreaterThan(40);
    for (const procedure of withOutput) {
      expect(procedure._def.middlewares.map((m) => m.name)).toContain('strictOutputCheck');
    }
  });
});
