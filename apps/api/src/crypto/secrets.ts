import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { keyPrefix, randomBase62, type Environment, type KeyKind } from '@peasswap/domain';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const KEY_BODY_LENGTH = 32;
/** Characters of the key body kept in clear so people can tell their keys apart. */
const VISIBLE_BODY_CHARACTERS = 4;

export interface NewApiKeySecret {
  secret: string;
  secretHash: string;
  visiblePrefix: string;
}

/** SHA-256, hex. Every API request hashes its key: the one-shot `hash` makes no Hash object. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function generateApiKeySecret(kind: KeyKind, environment: Environment): NewApiKeySecret {
  const prefix = keyPrefix(kind, environment);
  const secret = `${prefix}${randomBase62(KEY_BODY_LENGTH)}`;
  return {
    secret,
    secretHash: hashSecret(secret),
    visiblePrefix: secret.slice(0, prefix.length + VISIBLE_BODY_CHARACTERS),
  };
}

// scrypt parameters: N=2^15, r=8, p=1 (~32 MiB, tens of ms), OWASP's recommended floor.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SCRYPT_KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash`, parameters stored so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT_KEY_LENGTH, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64'),
    hash.toString('base64'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !expected) return false;
  const expectedBytes = Buffer.from(expected, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expectedBytes.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expectedBytes);
}
