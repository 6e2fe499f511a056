import { z } from 'zod';
import {
  EnvironmentSchema,
  IsoTimestampSchema,
  KEY_KINDS,
  ObjectIdSchema,
  PERMISSIONS,
  PermissionSchema,
} from '@peasswap/domain';
import { USER_ROLES } from '../db/schema/index.js';
import { DASHBOARD_CAPABILITIES } from './roles.js';

// The dashboard's own procedures (sessions, API keys). They are tRPC-only, so these schemas stay
// beside the API rather than in the domain package the REST contract is built from.

export const SignInSchema = z.strictObject({
  email: z.string().trim().min(1, 'Enter your email.').max(254),
  password: z.string().min(1, 'Enter your password.').max(1024),
});
export type SignIn = z.infer<typeof SignInSchema>;

export const SessionSchema = z.object({
  object: z.literal('session'),
  user: z.object({
    id: z.string(),
    email: z.string(),
    role: z.enum(USER_ROLES),
  }),
  account: z.object({ id: z.string(), name: z.string() }),
  environment: EnvironmentSchema,
  permissions: z.array(PermissionSchema),
  capabilities: z.array(z.enum(DASHBOARD_CAPABILITIES)),
});
export type Session = z.infer<typeof SessionSchema>;

export const ApiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  kind: z.enum(KEY_KINDS),
  livemode: z.boolean(),
  /** Enough of the key to recognise it (`sk_test_4fGq`), never enough to use it. */
  prefix: z.string(),
  permissions: z.array(PermissionSchema),
  createdAt: IsoTimestampSchema,
  lastUsedAt: IsoTimestampSchema.nullable(),
  revokedAt: IsoTimestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListSchema = z.object({
  object: z.literal('list'),
  data: z.array(ApiKeySchema),
});

export const ApiKeyCreateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('secret') }),
  z.strictObject({
    kind: z.literal('restricted'),
    permissions: z
      .array(PermissionSchema)
      .min(1, 'Choose at least one permission.')
      .max(PERMISSIONS.length)
      .refine((list) => new Set(list).size === list.length, 'List each permission once.'),
  }),
]);
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;

export const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().describe('The whole key. Shown this once; only its hash is kept.'),
});

export const ApiKeyIdInputSchema = z.strictObject({ id: ObjectIdSchema });
