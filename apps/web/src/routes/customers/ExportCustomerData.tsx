import { useState } from 'react';
import { describeError } from '../../lib/errors';
import { useTRPCClient } from '../../lib/trpc';
import type { Customer } from '../../lib/types';
import { downloadJson, exportFileName } from './customer-export';

/**
 * "Export data": everything held about the customer (GDPR articles 15 and 20) saved as
 * customer-<id>.json. Asked for on each click and never cached: it is the customer's whole record.
 */
export function ExportCustomerData({
  customer,
  onNotice,
}: {
  customer: Customer;
  onNotice: (notice: { text: string; warning?: boolean }) => void;
}) {
  const client = useTRPCClient();
  const [exporting, setExporting] = useState(false);

  async function exportData() {
    setExporting(true);
    onNotice({ text: 'Preparing the export…' });
    try {
      const document_ = await client.customers.exportData.query({ id: customer.id });
      downloadJson(document_, exportFileName(customer.id));
      onNotice({ text: `Exported everything held about ${customer.name}.` });
    } catch (error) {
      onNotice({ text: describeError(error), warning: true });
    } finally {
      setExporting(false);
    }
  }

  return (
    <button
      type="button"
      className="button button--secondary"
      disabled={exporting}
      onClick={() => void exportData()}
    >
      {exporting ? 'Exporting…' : 'Export data'}
    </button>
  );
}
