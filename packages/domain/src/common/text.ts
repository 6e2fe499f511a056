// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** PostgreSQL text cannot hold U+0000; it is never meaningful in our fields either. */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

/**
 * A lone UTF-16 surrogate: half of a pair with no other half (`'\ud800'`, which JSON can spell as
 * an escape). In a `u` regex a proper pair is one code point, so only an unpaired half matches.
 * `String.prototype.isWellFormed` says the same, but it is ES2024 (the packages target ES2023)
 * and newer than some browsers the dashboard's build still supports.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Whether `value` is text UTF-8 can hold. A lone surrogate cannot be stored: PostgreSQL refuses it
 * in JSON, and in text the driver silently replaces it with U+FFFD, so what is read back is not
 * what was sent.
 */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
