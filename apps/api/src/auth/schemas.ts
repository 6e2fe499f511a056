import { z } from 'zod';
import {
  EnvironmentSchema,
  addCodedIssue,
  IsoTimestampSchema,
  isValidEmail,
  isWellFormedText,
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
    /** Signed in with a temporary password: the dashboard asks for a new one before anything. */
    mustChangePassword: z.boolean(),
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

// Dashboard users (the Team screen).

export const UserRoleSchema = z.enum(USER_ROLES);

export const UserSchema = z.object({
  id: z.string(),
  object: z.literal('user'),
  email: z.string(),
  role: UserRoleSchema,
  createdAt: IsoTimestampSchema,
  lastSignInAt: IsoTimestampSchema.nullable(),
  /** Invited and not yet signed in to choose a password of their own. */
  mustChangePassword: z.boolean(),
  /** The id of the user who invited them; null for users made from the CLI. */
  invitedBy: z.string().nullable(),
});
export type User = z.infer<typeof UserSchema>;

export const UserListSchema = z.object({
  object: z.literal('list'),
  data: z.array(UserSchema),
});

const UserEmailSchema = z
  .string()
  .trim()
  .max(254, 'An email address is at most 254 characters.')
  .superRefine((email, ctx) => {
    if (!isValidEmail(email) || !isWellFormedText(email)) {
      addCodedIssue(ctx, 'email_invalid', 'Enter a valid email address, like ada@example.com.');
    }
  });

export const UserInviteSchema = z.strictObject({ email: UserEmailSchema, role: UserRoleSchema });

export const InvitedUserSchema = z.object({
  user: UserSchema,
  temporaryPassword: z
    .string()
    .describe('For the admin to pass on. Shown this once; only its hash is kept.'),
});

export const UserIdInputSchema = z.strictObject({ id: ObjectIdSchema });

export const UserRoleUpdateSchema = z.strictObject({ id: ObjectIdSchema, role: UserRoleSchema });

/** Every password a person chooses (NIST SP 800-63B: length, not composition rules). */
export const NewPasswordSchema = z
  .string()
  .min(12, 'Use at least 12 characters.')
  .max(1024, 'Use at most 1024 characters.');

export const PasswordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
  newPassword: NewPasswordSchema,
});
