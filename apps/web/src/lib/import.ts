import type { ImportOnDuplicate } from '@peasswap/domain';
import type { Environment } from './environment';
import { dashboardHeaders } from './trpc';
import type { ImportReport } from './types';

/** A refusal of the upload, with the API's own message (and request id) from its error envelope. */
export class ImportRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ImportRequestError';
  }
}

/**
 * POST /v1/customers/import with the dashboard's session (cookie plus the headers a cross-site
 * page cannot send), the file as a `text/csv` body: tRPC's JSON body stops at 1 MiB (~10,000
 * rows), this route takes the 100,000-row files SPEC §8 promises. Same report as customers.import.
 */
export async function uploadCustomersCsv(
  environment: Environment,
  input: { csv: string; onDuplicate: ImportOnDuplicate; dryRun: boolean },
): Promise<ImportReport> {
  const search = new URLSearchParams({
    onDuplicate: input.onDuplicate,
    dryRun: String(input.dryRun),
  });
  const response = await fetch(`/v1/customers/import?${search.toString()}`, {
    method: 'POST',
    headers: { ...dashboardHeaders(environment), 'content-type': 'text/csv; charset=utf-8' },
    body: input.csv,
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => null)) as
    | (ImportReport & { error?: undefined })
    | { error?: { message?: string; code?: string; requestId?: string } }
    | null;
  if (response.ok && body && !body.error) return body as ImportReport;
  const error = body?.error;
  const requestId = error?.requestId ? ` (request ${error.requestId})` : '';
  throw new ImportRequestError(
    error?.message
      ? `${error.message}${requestId}`
      : `The import failed (HTTP ${response.status}). Try again.`,
    response.status,
    error?.code,
  );
}
