// The API key lives in sessionStorage only: it survives a reload, dies with the tab, and is
// never logged or sent anywhere but the Authorization header of our own API.
const STORAGE_KEY = 'peasswap.apiKey';

/**
 * Test-mode keys only: this preview must never hold a live key in browser storage. The key's
 * body is the server's to judge; here only the prefix and characters a header can carry.
 */
const TEST_KEY_PATTERN = /^(sk|rk)_test_[\x21-\x7E]+$/;

export type ApiKeyCheck = { ok: true; key: string } | { ok: false; message: string };

export function checkTestApiKey(input: string): ApiKeyCheck {
  const key = input.trim();
  if (key === '') return { ok: false, message: 'Paste a test API key.' };
  if (/^(sk|rk)_live_/.test(key)) {
    return { ok: false, message: 'Live keys are not accepted here. Use a test key (sk_test_…).' };
  }
  if (!TEST_KEY_PATTERN.test(key)) {
    return { ok: false, message: 'A test API key starts with sk_test_ or rk_test_.' };
  }
  return { ok: true, key };
}

/** `sk_test_…Wn1A`: enough to recognise a key, not enough to use it. */
export function maskApiKey(key: string): string {
  const prefix = /^(sk|rk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}

// Storage can be unavailable (disabled, sandboxed frames); the app then simply asks again.
export function readApiKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveApiKey(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Not persisted: the key still works until the page is reloaded.
  }
}

export function clearApiKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
