import type { Environment } from './environment';
import { dashboardHeaders } from './trpc';

/**
 * GET /v1/customers/export.csv with the dashboard's session (cookie plus the headers a cross-site
 * page cannot send, so no plain link), saved as a file. Answers the API's message on a refusal.
 */
export async function downloadCustomersCsv(
  environment: Environment,
  filters: { query?: string },
): Promise<void> {
  const search = new URLSearchParams(filters.query ? { query: filters.query } : {});
  const response = await fetch(`/v1/customers/export.csv?${search.toString()}`, {
    headers: dashboardHeaders(environment),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new Error(body?.error?.message ?? `The export failed (HTTP ${response.status}).`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `customers-${environment}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the file to the browser; the object URL can go once it has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
