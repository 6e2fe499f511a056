import { CustomerUpdateFieldsSchema } from '@peasswap/domain';
import { describe, expect, it } from 'vitest';
import { apiError } from './api-error.fixture';
import {
  hasMetadataErrors,
  keyOf,
  metadataChanges,
  metadataDraftErrors,
  metadataErrorsFromIssues,
  metadataRowsOf,
  serverMetadataError,
  type MetadataRow,
} from './metadata';

const stored = { plan: 'pro', region: 'eu' };
const added = (id: string, key: string, value: string): MetadataRow => ({ id, key, value });

function edit(rows: MetadataRow[], storedKey: string, change: Partial<MetadataRow>) {
  return rows.map((row) => (row.storedKey === storedKey ? { ...row, ...change } : row));
}

describe('metadataChanges', () => {
  const rows = metadataRowsOf(stored);

  it('shows each stored key as a row, and sends nothing when nothing changed', () => {
    expect(rows.map((row) => [row.key, row.value])).toEqual([
      ['plan', 'pro'],
      ['region', 'eu'],
    ]);
    expect(metadataChanges(stored, rows)).toBeUndefined();
  });

  it('sends a changed value and nothing else', () => {
    expect(metadataChanges(stored, edit(rows, 'plan', { value: 'enterprise' }))).toEqual({
      plan: 'enterprise',
    });
  });

  it('sends an added key, trimmed, and ignores an added row left empty', () => {
    const more = [...rows, added('n1', '  tier ', 'gold'), added('n2', ' ', '')];
    expect(metadataChanges(stored, more)).toEqual({ tier: 'gold' });
  });

  it('removes a key with null', () => {
    const fewer = rows.filter((row) => row.key !== 'region');
    expect(metadataChanges(stored, fewer)).toEqual({ region: null });
  });

  it('renames a key as the old one removed and the new one set', () => {
    expect(metadataChanges(stored, edit(rows, 'plan', { key: 'tier' }))).toEqual({
      tier: 'pro',
      plan: null,
    });
  });

  it('keeps a stored key with spaces exactly as stored, and an emptied value is a value', () => {
    const spaced = { ' padded ': 'x' };
    expect(metadataChanges(spaced, metadataRowsOf(spaced))).toBeUndefined();
    expect(metadataChanges(stored, edit(rows, 'plan', { value: '' }))).toEqual({ plan: '' });
  });

  it('sends a key named like an Object property as an ordinary key', () => {
    const patch = metadataChanges({}, [added('n1', '__proto__', 'x')]);
    expect(JSON.parse(JSON.stringify(patch))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('lets the domain refuse a stored row whose key was emptied, rather than drop it', () => {
    expect(metadataChanges(stored, edit(rows, 'plan', { key: '' }))).toEqual({
      '': 'pro',
      plan: null,
    });
  });
});

describe('metadataDraftErrors', () => {
  const rows = metadataRowsOf(stored);

  it('finds nothing wrong with an ordinary edit', () => {
    const errors = metadataDraftErrors(stored, rows, { plan: 'max' });
    expect(hasMetadataErrors(errors)).toBe(false);
  });

  it('refuses the same key typed twice, on the later row', () => {
    const twice = [...rows, added('n1', 'plan ', 'other')];
    expect(metadataDraftErrors(stored, twice, metadataChanges(stored, twice))).toEqual({
      rows: { n1: { message: 'This key is already used above.', part: 'key' } },
    });
  });

  it('refuses more than 50 keys once merged with what is stored', () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const one = [...metadataRowsOf(fifty), added('n1', 'extra', 'v')];
    const errors = metadataDraftErrors(fifty, one, metadataChanges(fifty, one));
    expect(errors).toEqual({ rows: {}, all: 'Metadata holds at most 50 keys.' });
  });
});

describe('metadataErrorsFromIssues', () => {
  const rows = [...metadataRowsOf(stored), added('n1', 'card', '4242 4242 4242 4242')];

  function issuesOf(metadata: Record<string, string | null>) {
    const parsed = CustomerUpdateFieldsSchema.safeParse({ metadata });
    return parsed.error?.issues ?? [];
  }

  it('puts a bad value on its row, marking the value', () => {
    expect(metadataErrorsFromIssues(issuesOf({ card: '4242 4242 4242 4242' }), rows)).toEqual({
      rows: { n1: { message: 'Metadata values cannot hold card numbers.', part: 'value' } },
    });
  });

  it('puts a bad key on its row, marking the key', () => {
    const long = 'k'.repeat(41);
    const withLong = [...rows, added('n2', long, 'v')];
    expect(metadataErrorsFromIssues(issuesOf({ [long]: 'v' }), withLong)).toEqual({
      rows: { n2: { message: 'Metadata keys are at most 40 characters.', part: 'key' } },
    });
  });

  it('ignores issues about other fields', () => {
    const parsed = CustomerUpdateFieldsSchema.safeParse({ name: ' ' });
    expect(metadataErrorsFromIssues(parsed.error?.issues ?? [], rows)).toBeUndefined();
  });
});

describe('serverMetadataError', () => {
  const rows = metadataRowsOf({ plan: 'pro', 'a.b': 'dotted' });
  const refusal = (param: string, message: string, code = 'parameter_invalid') =>
    apiError(message, { type: 'invalid_request_error', code, httpStatus: 400, param });

  it('puts the server’s error on the row its param names', () => {
    const error = refusal(
      'metadata.plan',
      'Metadata values cannot hold card numbers.',
      'sensitive_data_rejected',
    );
    expect(serverMetadataError(error, rows)).toEqual({
      rows: { 'stored-0': { message: 'Metadata values cannot hold card numbers.', part: 'value' } },
    });
  });

  it('reads a key holding dots whole', () => {
    const error = refusal('metadata.a.b', 'Invalid metadata.a.b: too long.');
    expect(serverMetadataError(error, rows)?.rows).toHaveProperty(['stored-1']);
  });

  it('puts an error about the metadata as a whole, or a key no row holds, above the rows', () => {
    const whole = refusal('metadata', 'Metadata holds at most 50 keys.');
    expect(serverMetadataError(whole, rows)).toEqual({
      rows: {},
      all: 'Metadata holds at most 50 keys.',
    });
    const gone = refusal('metadata.gone', 'Invalid metadata.gone: bad.');
    expect(serverMetadataError(gone, rows)).toEqual({
      rows: {},
      all: 'Invalid metadata.gone: bad.',
    });
  });

  it('leaves errors about other fields to the form', () => {
    expect(serverMetadataError(refusal('phone', 'Bad phone.', 'phone_invalid'), rows)).toBe(
      undefined,
    );
  });
});

describe('keyOf', () => {
  it('trims a typed key but not a stored one left as it was', () => {
    expect(keyOf(added('n1', ' tier ', ''))).toBe('tier');
    expect(keyOf({ id: 's', key: ' x ', value: '', storedKey: ' x ' })).toBe(' x ');
    expect(keyOf({ id: 's', key: ' y ', value: '', storedKey: ' x ' })).toBe('y');
  });
});
