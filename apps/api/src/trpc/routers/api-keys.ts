import { DomainError } from '@peasswap/domain';
import {
  ApiKeyCreateSchema,
  ApiKeyIdInputSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  type ApiKey,
} from '../../auth/schemas.js';
import { createApiKey } from '../../queries/accounts.js';
import {
  findApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeySummary,
} from '../../queries/api-keys.js';
import { dashboardProcedureWith, router } from '../init.js';

function toApiKey(key: ApiKeySummary): ApiKey {
  return {
    id: key.id,
    object: 'api_key',
    kind: key.kind,
    livemode: key.livemode,
    prefix: key.visiblePrefix,
    permissions: key.permissions,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

function keyMissing(id: string): DomainError {
  return new DomainError('resource_missing', `No such API key: '${id}'.`, { param: 'id' });
}

const keysProcedure = dashboardProcedureWith('api_keys:manage');

/** The API keys screen: the account's keys in the environment the dashboard is switched to. */
export const apiKeysRouter = router({
  list: keysProcedure.output(ApiKeyListSchema).query(async ({ ctx }) => ({
    object: 'list' as const,
    data: (await listApiKeys(ctx.db, ctx.scope)).map(toApiKey),
  })),

  create: keysProcedure
    .input(ApiKeyCreateSchema)
    .output(CreatedApiKeySchema)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction(async (tx) => {
        const created = await createApiKey(tx, {
          accountId: ctx.scope.accountId,
          environment: ctx.scope.livemode ? 'live' : 'test',
          ...(input.kind === 'restricted' && { permissions: input.permissions }),
        });
        const key = await findApiKey(tx, ctx.scope, created.id);
        if (!key) throw new Error(`api key ${created.id} vanished after insert`);
        const answer = { ...toApiKey(key), secret: created.secret };
        await ctx.outbox.audit(tx, ctx.scope, [
          { action: 'api_key.created', objectId: key.id, after: answer },
        ]);
        return answer;
      }),
    ),

  revoke: keysProcedure
    .input(ApiKeyIdInputSchema)
    .output(ApiKeySchema)
    .mutation(async ({ ctx, input }) => {
      const key = await revokeApiKey(ctx.db, ctx.scope, input.id, (tx, before, after) =>
        ctx.outbox.audit(tx, ctx.scope, [
          {
            action: 'api_key.revoked',
            objectId: after.id,
            before: toApiKey(before),
            after: toApiKey(after),
          },
        ]),
      );
      if (!key) throw keyMissing(input.id);
      // Other processes hear of it by NOTIFY; this one forgets the key before it answers.
      ctx.apiKeys?.evict(key.id);
      return toApiKey(key);
    }),
});
