import type { ImportReport } from '../../lib/types';

/** Rows listed in the preview; the counts always cover the whole file. */
const ROWS_SHOWN = 200;

const STATUS_LABELS = {
  created: 'New',
  updated: 'Update',
  skipped: 'Skip',
  error: 'Error',
} as const;

/** A dry run's report: the counts, then each row's line, what it would do, and why not. */
export function ImportReportView({ report }: { report: ImportReport }) {
  // Errors first: they are what a person has to act on.
  const rows = [...report.rows].sort(
    (a, b) => Number(b.status === 'error') - Number(a.status === 'error') || a.line - b.line,
  );
  return (
    <section className="import-report" aria-label="Import check">
      <p className="import-report__counts" role="status">
        {report.rows.length} rows: {report.created} new, {report.updated} to update,{' '}
        {report.skipped} to skip, {report.errors} with errors.
      </p>
      <div className="table-scroll import-report__rows">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Result</th>
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, ROWS_SHOWN).map((row) => (
              <tr key={row.line}>
                <td className="table__number">{row.line}</td>
                <td>
                  <span
                    className={`status-badge ${row.status === 'error' ? 'status-badge--failed' : 'status-badge--default'}`}
                  >
                    {STATUS_LABELS[row.status]}
                  </span>
                </td>
                <td className="table__wrap">
                  {row.errors.length === 0
                    ? '—'
                    : row.errors.map((error, index) => (
                        <span key={index} className="import-report__error">
                          {error.param !== undefined && <code>{error.param}</code>} {error.message}
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > ROWS_SHOWN && (
        <p className="hint">
          Showing {ROWS_SHOWN} of {rows.length} rows, errors first.
        </p>
      )}
    </section>
  );
}
