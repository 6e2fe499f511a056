import { z } from 'zod';
import { DomainError, ERROR_CODES, fail, ok, type ErrorCode, type Result } from '../errors.js';
import { codeOfIssue, innermostIssue } from '../common/issues.js';
import { MetadataSchema } from '../common/metadata.js';
import { containsCardNumber } from '../common/sensitive.js';
import { CustomerCreateSchema, CustomerListQuerySchema, type CustomerCreate } from './schemas.js';

/**
 * CSV import of customers (SPEC §8): the columns a file may have, the options, the report, and the
 * pure mapping of one line to a customer to create, validated by the very schema `POST
 * /v1/customers` uses so a row fails with the codes the API answers with.
 */
export const IMPORT_FIELDS = ['name', 'email', 'phone', 'description'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const METADATA_PREFIX = 'metadata.';

export const IMPORT_ON_DUPLICATE = ['skip', 'update', 'error'] as const;
export type ImportOnDuplicate = (typeof IMPORT_ON_DUPLICATE)[number];

export const CustomerImportQuerySchema = z.strictObject({
  onDuplicate: z
    .enum(IMPORT_ON_DUPLICATE)
    .default('error')
    .describe(
      'A row whose email (case-insensitive) is already a live customer’s, or an earlier row’s: `skip` it, `update` that customer (name, phone, description; metadata keys merge; empty cells change nothing), or report it as an `error` (`customer_email_taken`).',
    ),
  dryRun: z
    .boolean()
    .default(false)
    .describe('Validate every row and answer the report without writing anything.'),
});
export type CustomerImportQuery = z.infer<typeof CustomerImportQuerySchema>;

export const CustomerImportInputSchema = CustomerImportQuerySchema.extend({
  csv: z
    .string()
    .describe(
      'The file: a header line naming the columns (name, email, phone, description, metadata.<key>), then one customer per line.',
    ),
});
export type CustomerImportInput = z.infer<typeof CustomerImportInputSchema>;

/** GET /v1/customers/export.csv: the list's filters, without its paging. */
export const CustomerExportQuerySchema = z.strictObject({
  email: CustomerListQuerySchema.shape.email,
  query: CustomerListQuerySchema.shape.query,
  createdGte: CustomerListQuerySchema.shape.createdGte,
  createdLte: CustomerListQuerySchema.shape.createdLte,
});
export type CustomerExportQuery = z.infer<typeof CustomerExportQuerySchema>;

export const ImportRowErrorSchema = z.object({
  param: z
    .string()
    .optional()
    .describe('The column at fault (`email`, `metadata.plan`), when one is.'),
  code: z.enum(ERROR_CODES).describe('The error code the API answers with for the same fault.'),
  message: z.string().describe('What is wrong, for people. Never repeats the cell’s value.'),
});
export type ImportRowError = z.infer<typeof ImportRowErrorSchema>;

export const IMPORT_ROW_STATUSES = ['created', 'updated', 'skipped', 'error'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

export const ImportRowReportSchema = z.object({
  line: z.number().int().describe('The line of the file where the row starts (the header is 1).'),
  status: z.enum(IMPORT_ROW_STATUSES).describe('What the import did with the row.'),
  customer: z
    .string()
    .optional()
    .describe('The customer created, updated or skipped (absent on a dry run’s new rows).'),
  errors: z.array(ImportRowErrorSchema).describe('Why the row was refused; empty otherwise.'),
});
export type ImportRowReport = z.infer<typeof ImportRowReportSchema>;

export const ImportReportSchema = z
  .object({
    object: z.literal('customer_import').describe('Always `customer_import`.'),
    dryRun: z.boolean().describe('true when nothing was written.'),
    created: z.number().int().describe('Rows that created a customer.'),
    updated: z.number().int().describe('Rows that updated an existing customer.'),
    skipped: z.number().int().describe('Rows skipped as duplicates.'),
    errors: z.number().int().describe('Rows refused, each with its errors.'),
    rows: z.array(ImportRowReportSchema).describe('One entry per data row, in file order.'),
  })
  .meta({ id: 'CustomerImport', description: 'What a CSV import did, row by row.' });
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** Where a column's cells go. */
export type ImportColumn =
  | { kind: 'field'; field: ImportField; param: string }
  | { kind: 'metadata'; key: string; param: string };

/** A column's name as an error may repeat it: never a card number. */
const safeName = (name: string) => (containsCardNumber(name) ? '[redacted]' : name);

function metadataKeyProblem(key: string): DomainError | undefined {
  const result = MetadataSchema.safeParse({ [key]: '' });
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const param = `metadata.${safeName(key)}`;
  const code = issue ? codeOfIssue(issue) : undefined;
  const message = issue ? innermostIssue(issue).message : 'Invalid metadata key.';
  return new DomainError(code ?? 'parameter_invalid', `Column ${param}: ${message}`, { param });
}

/**
 * The header line: each cell names a field (case-insensitive, trimmed) or `metadata.<key>`.
 * An unknown, repeated or empty column, a bad metadata key, or a missing name or email column
 * fails the whole file: every row would be read wrong.
 */
export function readImportHeader(cells: readonly string[]): Result<ImportColumn[]> {
  const columns: ImportColumn[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of cells.entries()) {
    const name = raw.trim();
    if (name === '') {
      return fail(
        new DomainError('parameter_invalid', `Column ${index + 1} of the header has no name.`),
      );
    }
    let column: ImportColumn;
    if (name.toLowerCase().startsWith(METADATA_PREFIX)) {
      const key = name.slice(METADATA_PREFIX.length);
      const problem = metadataKeyProblem(key);
      if (problem) return fail(problem);
      column = { kind: 'metadata', key, param: `metadata.${key}` };
    } else {
      const field = IMPORT_FIELDS.find((f) => f === name.toLowerCase());
      if (!field) {
        const param = safeName(name);
        return fail(
          new DomainError(
            'parameter_unknown',
            `Unknown column: ${param}. Columns are ${IMPORT_FIELDS.join(', ')} and metadata.<key>.`,
            { param },
          ),
        );
      }
      column = { kind: 'field', field, param: field };
    }
    if (seen.has(column.param)) {
      return fail(
        new DomainError('parameter_invalid', `Column ${column.param} appears twice.`, {
          param: column.param,
        }),
      );
    }
    seen.add(column.param);
    columns.push(column);
  }
  for (const required of ['name', 'email'] as const) {
    if (!seen.has(required)) {
      return fail(
        new DomainError(
          'parameter_missing',
          cells.length === 0
            ? 'The file is empty: its first line must name the columns (name, email, ...).'
            : `The header has no ${required} column; name and email are required.`,
          { param: required },
        ),
      );
    }
  }
  return ok(columns);
}

/** A zod issue as a row error, in the words `POST /v1/customers` would use for the same field. */
function rowErrorOf(issue: z.core.$ZodIssue): ImportRowError {
  const path = issue.path.map((key) => safeName(String(key)));
  const param = path.length > 0 ? path.join('.') : undefined;
  const coded: ErrorCode | undefined = codeOfIssue(issue);
  const message = innermostIssue(issue).message;
  if (coded) return { ...(param && { param }), code: coded, message };
  return {
    ...(param && { param }),
    code: 'parameter_invalid',
    message: param ? `Invalid ${param}: ${message}` : `Invalid row: ${message}`,
  };
}

export type ImportRowResult =
  { ok: true; customer: CustomerCreate } | { ok: false; errors: ImportRowError[] };

/**
 * One data line to a customer to create. Empty optional cells are absent values; a card number in
 * any cell (email and phone included) is `sensitive_data_rejected` for that column, whatever else
 * is wrong with it; every fault of the row is reported, not only the first.
 */
export function customerFromImportRow(
  columns: readonly ImportColumn[],
  cells: readonly string[],
): ImportRowResult {
  if (cells.length !== columns.length) {
    return {
      ok: false,
      errors: [
        {
          code: 'parameter_invalid',
          message: `This row has ${cells.length} fields; the header names ${columns.length} columns.`,
        },
      ],
    };
  }
  const errors: ImportRowError[] = [];
  const refused = new Set<string>();
  const input: Record<string, unknown> = { name: '', email: '' };
  const metadata: Record<string, string> = {};
  for (const [index, column] of columns.entries()) {
    const cell = cells[index] ?? '';
    if (containsCardNumber(cell)) {
      refused.add(column.param);
      errors.push({
        param: column.param,
        code: 'sensitive_data_rejected',
        message: 'This column cannot hold a card number.',
      });
      continue;
    }
    if (column.kind === 'metadata') {
      if (cell !== '') metadata[column.key] = cell;
    } else if (column.field === 'name' || column.field === 'email' || cell.trim() !== '') {
      input[column.field] = cell;
    }
  }
  if (Object.keys(metadata).length > 0) input.metadata = metadata;
  const parsed = CustomerCreateSchema.safeParse(input);
  if (parsed.success && errors.length === 0) return { ok: true, customer: parsed.data };
  for (const issue of parsed.error?.issues ?? []) {
    const error = rowErrorOf(issue);
    // A refused cell was left empty above: its emptiness is no second fault.
    if (error.param !== undefined && refused.has(error.param)) continue;
    errors.push(error);
  }
  return { ok: false, errors };
}
