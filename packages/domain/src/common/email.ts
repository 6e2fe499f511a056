/**
 * Email syntax as the contract states it: one `@`, a non-empty local part, a dotted domain, at most
 * 254 characters. Deliberately not RFC 5322 in full (quoted local parts, IP literals): those are
 * legal, almost never real, and a frequent cause of downstream delivery failures. Internationalised
 * domains (`bücher.de`) and plus-addressing (`ada+billing@example.com`) are accepted.
 */
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
const LOCAL_PART = /^[^\s\p{Cc}@"(),:;<>[\\\]]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const TOP_LEVEL_LABEL = /^(?:[\p{L}]{2,}|xn--[a-z0-9-]+)$/iu;

export function isValidEmail(email: string): boolean {
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return false;
  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const [local = '', domain = ''] = parts;
  if (local.length === 0 || local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local))
    return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const topLevel = labels[labels.length - 1] ?? '';
  if (!TOP_LEVEL_LABEL.test(topLevel)) return false;
  return labels.every((label) => label.length <= MAX_LABEL_LENGTH && DOMAIN_LABEL.test(label));
}

/** The identity two emails share when they name the same customer: case-insensitive. */
export function emailIdentity(email: string): string {
  return email.trim().toLowerCase();
}

/** A local part as the contract accepts it, then its `@` and the start of a domain. */
const EMAIL_START = /^[^\s\p{Cc}@"(),:;<>[\\\]]+@[^\s@]*$/u;

/**
 * The email prefix a search means when it is typed like the start of an email (`grace@`,
 * `grace@navy.ex`): its identity (lower-cased), which emails are compared by. Undefined for any
 * other search. A search by email prefix is answered from a B-tree range over `email_identity`,
 * so `grace@` costs one index probe however many names hold "grace".
 */
export function emailSearchPrefix(query: string): string | undefined {
  const trimmed = query.trim();
  return EMAIL_START.test(trimmed) ? emailIdentity(trimmed) : undefined;
}
