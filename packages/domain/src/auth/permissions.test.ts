import { describe, expect, it } from 'vitest';
import {
  EnvironmentSchema,
  PERMISSIONS,
  PermissionSchema,
  keyPrefix,
  parseKeyPrefix,
  parsePermissionList,
  type Environment,
  type KeyKind,
} from './permissions.js';

const BODY = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';

describe('PERMISSIONS', () => {
  it('is the set the contract lists', () => {
    expect([...PERMISSIONS].sort()).toEqual(
      [
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
      ].sort(),
    );
  });

  it.each(PERMISSIONS)('PermissionSchema accepts %s', (permission) => {
    expect(PermissionSchema.parse(permission)).toBe(permission);
  });

  it.each(['customers:admin', 'events:write', 'CUSTOMERS:READ', 'customers', '*', ''])(
    'PermissionSchema rejects %j',
    (permission) => {
      expect(PermissionSchema.safeParse(permission).success).toBe(false);
    },
  );
});

describe('EnvironmentSchema', () => {
  it.each(['test', 'live'])('accepts %s', (env) => {
    expect(EnvironmentSchema.parse(env)).toBe(env);
  });

  it.each(['prod', 'TEST', 'sandbox', ''])('rejects %j', (env) => {
    expect(EnvironmentSchema.safeParse(env).success).toBe(false);
  });
});

describe('keyPrefix and parseKeyPrefix', () => {
  it.each<[KeyKind, Environment, string]>([
    ['secret', 'test', 'sk_test_'],
    ['secret', 'live', 'sk_live_'],
    ['restricted', 'test', 'rk_test_'],
    ['restricted', 'live', 'rk_live_'],
  ])('a %s %s key starts %s and reads back', (kind, environment, prefix) => {
    expect(keyPrefix(kind, environment)).toBe(prefix);
    expect(parseKeyPrefix(`${prefix}${BODY}`)).toEqual({ kind, environment });
  });

  it.each([
    ['the empty string', ''],
    ['a prefix alone', 'sk_test_'],
    ['a body one character short', `sk_test_${BODY.slice(1)}`],
    ['a body one character long', `sk_test_${BODY}x`],
    ['a publishable key', `pk_test_${BODY}`],
    ['an unknown environment', `sk_prod_${BODY}`],
    ['an upper-case prefix', `SK_TEST_${BODY}`],
    ['a body with a dash', `sk_test_${BODY.slice(1)}-`],
    ['leading whitespace', ` sk_test_${BODY}`],
    ['trailing whitespace', `sk_test_${BODY} `],
    ['a Bearer header', `Bearer sk_test_${BODY}`],
  ])('rejects %s', (_, key) => {
    expect(parseKeyPrefix(key)).toBeUndefined();
  });
});

describe('parsePermissionList', () => {
  it.each([
    ['one permission', 'customers:read', ['customers:read']],
    ['two permissions', 'customers:read,customers:write', ['customers:read', 'customers:write']],
    [
      'spaces around items',
      ' customers:read , payments:read ',
      ['customers:read', 'payments:read'],
    ],
    ['empty items', 'customers:read,,payments:read,', ['customers:read', 'payments:read']],
    ['duplicates', 'events:read,events:read', ['events:read']],
  ])('reads %s', (_, text, expected) => {
    expect(parsePermissionList(text)).toEqual(expected);
  });

  it.each([
    ['the empty string', ''],
    ['only commas', ',,'],
    ['an unknown permission', 'customers:admin'],
    ['one unknown among known ones', 'customers:read,everything'],
    ['another separator', 'customers:read;payments:read'],
  ])('rejects %s', (_, text) => {
    expect(parsePermissionList(text)).toBeUndefined();
  });
});
