// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** PostgreSQL text cannot hold U+0000; it is never meaningful in our fields either. */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}
