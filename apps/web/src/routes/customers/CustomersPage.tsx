import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { useDashboard } from '../../app/DashboardClients';
import { useCan } from '../../app/session';
import { CustomersTable } from '../../components/CustomersTable';
import { PagedList } from '../../components/PagedList';
import { EmptyState } from '../../components/States';
import { useDebouncedValue } from '../../lib/debounce';
import { downloadCustomersCsv } from '../../lib/export';
import { cursorFromParams, cursorParams, isFirstPage, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { ImportReport } from '../../lib/types';
import { CreateCustomerDialog } from './CreateCustomerDialog';
import { ImportCustomersDialog } from './ImportCustomersDialog';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

/** The page's state lives in the URL (?q=, ?after=, ?before=): reload, back and links keep it. */
export function CustomersPage() {
  const trpc = useTRPC();
  const canWrite = useCan('customers:write');
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const cursor = cursorFromParams(params);
  const [search, setSearch] = useState(query);
  const [shownQuery, setShownQuery] = useState(query);
  const settledSearch = useDebouncedValue(search, SEARCH_DELAY_MS);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const { environment } = useDashboard();
  const [notice, setNotice] = useState<string | undefined>(
    (location.state as { notice?: string } | null)?.notice,
  );
  const searchId = useId();

  // The URL changed without typing (Back, a link): the box shows what is being searched.
  if (query !== shownQuery) {
    setShownQuery(query);
    if (search.trim() !== query) setSearch(query);
  }

  // Typing settles into ?q= (a new search starts from the first page). Only a change of the
  // settled text writes the URL, so Back is never undone by a stale value.
  const latest = useRef({ query, setParams });
  latest.current = { query, setParams };
  useEffect(() => {
    const next = settledSearch.trim();
    if (next === latest.current.query) return;
    latest.current.setParams(next ? { q: next } : {}, { replace: true });
  }, [settledSearch]);

  const customers = useQuery(
    trpc.customers.list.queryOptions(
      { limit: PAGE_SIZE, ...(query && { query }), ...cursor },
      // Keep the current rows on screen while the next page or search loads.
      { placeholderData: keepPreviousData },
    ),
  );

  function goTo(next: PageCursor) {
    setParams({
      ...(query && { q: query }),
      ...cursorParams(next),
    });
  }

  function created(name: string) {
    setCreating(false);
    setNotice(`${name} was created.`);
    setSearch('');
    setParams({});
  }

  function imported(report: ImportReport) {
    setImporting(false);
    setNotice(
      `Import done: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.errors} with errors.`,
    );
  }

  async function exportCsv() {
    setExporting(true);
    setNotice('Preparing the export…');
    try {
      await downloadCustomersCsv(environment, query ? { query } : {});
      setNotice(query ? `Exported the customers matching “${query}”.` : 'Exported every customer.');
    } catch (error) {
      setNotice(error instanceof Error ? error.message : 'The export failed.');
    } finally {
      setExporting(false);
    }
  }

  const onFirstPage = isFirstPage(cursor);

  return (
    <>
      <div className="page-header">
        <h1>Customers</h1>
        <div className="page-header__actions">
          <button
            type="button"
            className="button button--secondary"
            disabled={exporting}
            onClick={() => void exportCsv()}
          >
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
          {canWrite && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setImporting(true)}
            >
              Import CSV
            </button>
          )}
          {canWrite && (
            <button type="button" className="button" onClick={() => setCreating(true)}>
              Create customer
            </button>
          )}
        </div>
      </div>
      <div className="status-line" role="status">
        {notice}
      </div>
      <div className="search">
        <label htmlFor={searchId}>Search customers</label>
        <input
          id={searchId}
          type="search"
          value={search}
          placeholder="Name, email or phone"
          autoComplete="off"
          onChange={(event) => {
            setSearch(event.target.value);
            setNotice(undefined);
          }}
        />
      </div>

      <PagedList
        query={customers}
        cursor={cursor}
        onPage={goTo}
        loadingLabel="Loading customers…"
        errorTitle="Customers could not be loaded"
        empty={
          query ? (
            <EmptyState title="No customers match your search">
              <p>Nothing found for “{query}”. Try part of a name, an email or a phone number.</p>
            </EmptyState>
          ) : onFirstPage ? (
            <EmptyState title="No customers yet">
              <p>Customers you create here or with the API appear in this list.</p>
            </EmptyState>
          ) : (
            // Rows can vanish between two clicks (deleted elsewhere): offer the way back.
            <EmptyState title="No customers on this page">
              <button type="button" className="button" onClick={() => setParams({})}>
                Back to the first page
              </button>
            </EmptyState>
          )
        }
        pagerLabel="Customer pages"
        label="Customer list"
      >
        {(rows) => <CustomersTable customers={rows} />}
      </PagedList>

      {canWrite && (
        <CreateCustomerDialog open={creating} onOpenChange={setCreating} onCreated={created} />
      )}
      {canWrite && (
        <ImportCustomersDialog open={importing} onOpenChange={setImporting} onImported={imported} />
      )}
    </>
  );
}
