import { asc, eq } from 'drizzle-orm';
import {
  newId,
  PERMISSIONS,
  type Environment,
  type KeyKind,
  type Permission,
} from '@peasswap/domain';
import { generateApiKeySecret } from '../crypto/secrets.js';
import type { Executor } from '../db/client.js';
import { accounts, apiKeys } from '../db/schema/index.js';

export interface CreatedApiKey {
  id: string;
  accountId: string;
  livemode: boolean;
  kind: KeyKind;
  /** The full key: shown once, never stored. */
  secret: string;
  permissions: Permission[];
}

export async function createAccount(db: Executor, name: string) {
  const [account] = await db
    .insert(accounts)
    .values({ id: newId('account'), name })
    .returning({ id: accounts.id, name: accounts.name, createdAt: accounts.createdAt });
  if (!account) throw new Error('account insert returned no row');
  return account;
}

export async function findFirstAccount(db: Executor) {
  const [account] = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .orderBy(asc(accounts.createdAt))
    .limit(1);
  return account;
}

export async function findAccount(db: Executor, id: string) {
  const [account] = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(eq(accounts.id, id));
  return account;
}

export async function createApiKey(
  db: Executor,
  params: { accountId: string; environment: Environment; permissions?: Permission[] },
): Promise<CreatedApiKey> {
  const kind: KeyKind = params.permissions ? 'restricted' : 'secret';
  const generated = generateApiKeySecret(kind, params.environment);
  const permissions = params.permissions ?? [...PERMISSIONS];
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId('apiKey'),
      accountId: params.accountId,
      livemode: params.environment === 'live',
      kind,
      secretHash: generated.secretHash,
      visiblePrefix: generated.visiblePrefix,
      permissions,
    })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error('api key insert returned no row');
  return {
    id: row.id,
    accountId: params.accountId,
    livemode: params.environment === 'live',
    kind,
    secret: generated.secret,
    permissions,
  };
}

/** A new account with one secret key per environment, as `accounts create` and bootstrap make. */
export async function createAccountWithKeys(db: Executor, name: string) {
  const account = await createAccount(db, name);
  const testKey = await createApiKey(db, { accountId: account.id, environment: 'test' });
  const liveKey = await createApiKey(db, { accountId: account.id, environment: 'live' });
  return { account, testKey, liveKey };
}
