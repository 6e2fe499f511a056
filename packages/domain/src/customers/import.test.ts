import { describe, expect, it } from 'vitest';
import {
  CustomerImportQuerySchema,
  customerFromImportRow,
  readImportHeader,
  type ImportColumn,
} from './import.js';

const CARD = '4242424242424242';

function columns(...names: string[]): ImportColumn[] {
  const header = readImportHeader(names);
  if (!header.ok) throw header.error;
  return header.value;
}

describe('readImportHeader', () => {
  it('reads fields case-insensitively and metadata keys as written', () => {
    expect(columns(' Name ', 'EMAIL', 'phone', 'metadata.Plan')).toEqual([
      { kind: 'field', field: 'name', param: 'name' },
      { kind: 'field', field: 'email', param: 'email' },
      { kind: 'field', field: 'phone', param: 'phone' },
      { kind: 'metadata', key: 'Plan', param: 'metadata.Plan' },
    ]);
  });

  it.each([
    [['name', 'email', 'age'], 'parameter_unknown', 'age'],
    [['name'], 'parameter_missing', 'email'],
    [['email'], 'parameter_missing', 'name'],
    [[], 'parameter_missing', 'name'],
    [['name', 'email', 'name'], 'parameter_invalid', 'name'],
    [['name', 'email', ' '], 'parameter_invalid', undefined],
    [['name', 'email', 'metadata.'], 'parameter_invalid', 'metadata.'],
    [['name', 'email', 'metadata.__proto__'], 'parameter_invalid', 'metadata.__proto__'],
    [['name', 'email', `metadata.${CARD}`], 'sensitive_data_rejected', 'metadata.[redacted]'],
    [['name', 'email', CARD], 'parameter_unknown', '[redacted]'],
  ])('refuses %j with %s', (names, code, param) => {
    const header = readImportHeader(names);
    expect(header.ok).toBe(false);
    if (header.ok) return;
    expect(header.error.code).toBe(code);
    expect(header.error.param).toBe(param);
    expect(header.error.message).not.toContain(CARD);
  });
});

describe('customerFromImportRow', () => {
  const all = columns('name', 'email', 'phone', 'description', 'metadata.plan');

  it('maps a row, leaving empty optional cells out', () => {
    expect(customerFromImportRow(all, [' Ada ', 'ada@example.com', '', '', ''])).toEqual({
      ok: true,
      customer: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(
      customerFromImportRow(all, ['Ada', 'ada@example.com', '(415) 555-0123', 'Hi', 'pro']),
    ).toEqual({
      ok: true,
      customer: {
        name: 'Ada',
        email: 'ada@example.com',
        phone: '+14155550123',
        description: 'Hi',
        metadata: { plan: 'pro' },
      },
    });
  });

  it.each([
    [['', 'ada@example.com', '', '', ''], ['name:parameter_invalid']],
    [['Ada', 'nope', '', '', ''], ['email:email_invalid']],
    [['Ada', 'ada@example.com', '12', '', ''], ['phone:phone_invalid']],
    [['Ada', 'ada@example.com', '', 'x'.repeat(1001), ''], ['description:parameter_invalid']],
    [['Ada', 'ada@example.com', '', '', 'v'.repeat(501)], ['metadata.plan:parameter_invalid']],
    [[`Ada ${CARD}`, 'ada@example.com', '', '', ''], ['name:sensitive_data_rejected']],
    [['Ada', `${CARD}@example.com`, '', '', ''], ['email:sensitive_data_rejected']],
    [['Ada', 'ada@example.com', CARD, '', ''], ['phone:sensitive_data_rejected']],
    [['Ada', 'ada@example.com', '', '', CARD], ['metadata.plan:sensitive_data_rejected']],
    [
      ['', 'nope', '12', '', ''],
      ['name:parameter_invalid', 'email:email_invalid', 'phone:phone_invalid'],
    ],
    [['Ada', 'ada@example.com'], ['-:parameter_invalid']],
  ])('refuses %j with %j', (cells, expected) => {
    const result = customerFromImportRow(all, cells);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => `${error.param ?? '-'}:${error.code}`)).toEqual(expected);
    expect(JSON.stringify(result.errors)).not.toContain('4242');
  });
});

describe('CustomerImportQuerySchema', () => {
  it('defaults to onDuplicate=error without a dry run, and refuses unknown options', () => {
    expect(CustomerImportQuerySchema.parse({})).toEqual({ onDuplicate: 'error', dryRun: false });
    expect(CustomerImportQuerySchema.safeParse({ onDuplicate: 'merge' }).success).toBe(false);
    expect(CustomerImportQuerySchema.safeParse({ dryRun: 'true' }).success).toBe(false);
    expect(CustomerImportQuerySchema.safeParse({ limit: 5 }).success).toBe(false);
  });
});
