import { z } from 'zod';

/** What a restricted key may be granted; a secret key holds all of them in its environment. */
export const PERMISSIONS = [
  'customers:read',
  'customers:write',
  'payments:read',
  'payments:write',
  'payment_methods:read',
  'payment_methods:write',
  'subscriptions:read',
  'subscriptions:write',
  'webhooks:read',
  'webhooks:write',
  'events:read',
  'audit:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const PermissionSchema = z.enum(PERMISSIONS);

export type Environment = 'test' | 'live';
export const EnvironmentSchema = z.enum(['test', 'live']);

export const KEY_KINDS = ['secret', 'restricted'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** `sk_test_`, `rk_live_`, ...: what a key is and where it works, readable from the key itself. */
export function keyPrefix(kind: KeyKind, environment: Environment): string {
  return `${kind === 'secret' ? 'sk' : 'rk'}_${environment}_`;
}

const KEY_PATTERN = /^(sk|rk)_(test|live)_[0-9A-Za-z]{32}$/;

export function parseKeyPrefix(
  key: string,
): { kind: KeyKind; environment: Environment } | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return {
    kind: match[1] === 'sk' ? 'secret' : 'restricted',
    environment: match[2] === 'live' ? 'live' : 'test',
  };
}

/** Parse a comma-separated permission list, as the CLI takes it. */
export function parsePermissionList(text: string): Permission[] | undefined {
  const items = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const parsed = z.array(PermissionSchema).min(1).safeParse(items);
  return parsed.success ? [...new Set(parsed.data)] : undefined;
}
