import { useSyncExternalStore } from 'react';

export type Environment = 'test' | 'live';

// The test/live switch survives a reload (localStorage) and is shared by every tab of this browser.
// Data never mixes: each environment has its own tRPC and query clients (see trpc.ts).
const STORAGE_KEY = 'peasswap.environment';
const listeners = new Set<() => void>();

export function parseEnvironment(value: string | null | undefined): Environment {
  return value === 'live' ? 'live' : 'test';
}

function read(): Environment {
  try {
    return parseEnvironment(localStorage.getItem(STORAGE_KEY));
  } catch {
    return current;
  }
}

let current: Environment = 'test';
current = read();

export function getEnvironment(): Environment {
  return current;
}

export function setEnvironment(next: Environment): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted: the switch still holds until the page is reloaded.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useEnvironment(): Environment {
  return useSyncExternalStore(subscribe, getEnvironment);
}
