import { CustomerImportInputSchema, ImportReportSchema } from '@peasswap/domain';
import { importCustomers } from '../../customers/csv-import.js';
import { procedureWith } from '../init.js';

/**
 * `customers.import`: a CSV file as text, for the dashboard's upload (tRPC only: REST clients send
 * the file itself to POST /v1/customers/import, which runs this same procedure).
 */
export const importCustomersProcedure = procedureWith('customers:write')
  .input(CustomerImportInputSchema)
  .output(ImportReportSchema)
  .mutation(({ ctx, input }) => importCustomers(ctx.db, ctx.scope, ctx.outbox, input));
