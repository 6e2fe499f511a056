import type { IncomingHttpHeaders } from 'node:http';
import { EnvironmentSchema, type Environment } from '@peasswap/domain';

/**
 * The dashboard's typed client sends these on every tRPC call. A cross-site page cannot: a custom
 * header makes the browser ask first (CORS preflight), and this server answers no preflight.
 */
export const DASHBOARD_CLIENT_HEADER = 'x-peasswap-client';
export const DASHBOARD_CLIENT_VALUE = 'dashboard';
/** The test/live switch: which environment a signed-in user's request works in (default test). */
export const ENVIRONMENT_HEADER = 'x-peasswap-environment';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Why a request cannot act on a dashboard session, or undefined when it can. Cookies are
 * SameSite=Strict already; on top of that the request must carry the client header, and any
 * Origin or Sec-Fetch-Site it sends must say it came from this very site.
 */
export function crossSiteProblem(headers: IncomingHttpHeaders): string | undefined {
  if (single(headers[DASHBOARD_CLIENT_HEADER]) !== DASHBOARD_CLIENT_VALUE) {
    return `Dashboard requests must send the ${DASHBOARD_CLIENT_HEADER} header; use the dashboard or an API key.`;
  }
  const fetchSite = single(headers['sec-fetch-site']);
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return 'Cross-site requests cannot use a dashboard session.';
  }
  const origin = single(headers.origin);
  if (origin !== undefined && hostOf(origin) !== headers.host) {
    return 'Cross-site requests cannot use a dashboard session.';
  }
  return undefined;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export function environmentOf(headers: IncomingHttpHeaders): Environment | undefined {
  const value = single(headers[ENVIRONMENT_HEADER]);
  if (value === undefined) return 'test';
  const parsed = EnvironmentSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
