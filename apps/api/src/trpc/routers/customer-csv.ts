import { CustomerImportInputSchema, ImportReportSchema } from '@peasswap/domain';
import { importCustomers } from '../../customers/csv-import.js';
import { procedureWith } from '../init.js';

/**
 * `customers.import`: a CSV file as text. POST /v1/customers/import runs this same procedure with
 * the file as its `text/csv` body, for API keys and for the dashboard's upload alike: a JSON body
 * here stops at the server's 1 MiB limit (~10,000 rows), that route's at IMPORT_BODY_LIMIT.
 */
export const importCustomersProcedure = procedureWith('customers:write')
  .input(CustomerImportInputSchema)
  .output(ImportReportSchema)
  .mutation(({ ctx, input }) => importCustomers(ctx.db, ctx.scope, ctx.outbox, input));
