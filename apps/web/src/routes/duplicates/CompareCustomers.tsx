import { CUSTOMER_MERGE_FIELDS, type CustomerMergeField } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { describeReasons, formatScore } from '../../lib/duplicates';
import { describeError } from '../../lib/errors';
import { formatTimestamp, orDash } from '../../lib/format';
import { formatPhone } from '../../lib/phone';
import { useTRPC } from '../../lib/trpc';
import type { Customer, DuplicateGroup } from '../../lib/types';
import { DuplicateLevel } from './DuplicateLevel';

export interface ComparedPair {
  a: Customer;
  b: Customer;
  score: number;
  level: DuplicateGroup['level'];
  reasons: DuplicateGroup['pairs'][number]['reasons'];
}

const FIELD_LABELS: Record<CustomerMergeField, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  description: 'Description',
  metadata: 'Metadata',
};

function fieldValue(customer: Customer, field: CustomerMergeField): ReactNode {
  switch (field) {
    case 'phone':
      return orDash(formatPhone(customer.phone));
    case 'description':
      return orDash(customer.description);
    case 'metadata': {
      const entries = Object.entries(customer.metadata);
      if (entries.length === 0) return orDash(null);
      return (
        <span className="compare__metadata">
          {entries.map(([key, value]) => (
            <span key={key}>
              <code>{key}</code> {value}
            </span>
          ))}
        </span>
      );
    }
    default:
      return customer[field];
  }
}

/** The oldest customer has the longest history: the natural survivor. */
function oldest(customers: readonly Customer[]): Customer {
  return customers.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
}

/**
 * The customers in columns, a row per field. Those who may write choose the survivor and, per
 * field, whose value it keeps, then merge behind a confirmation that says what happens.
 */
export function CompareCustomers({
  customers,
  pairs,
  canMerge,
}: {
  customers: readonly Customer[];
  pairs: readonly ComparedPair[];
  canMerge: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [survivorId, setSurvivorId] = useState(() => oldest(customers).id);
  // A field not chosen follows the survivor.
  const [chosen, setChosen] = useState<Partial<Record<CustomerMergeField, string>>>({});
  const [confirming, setConfirming] = useState(false);
  const survivor = customers.find((customer) => customer.id === survivorId) ?? oldest(customers);
  const others = customers.filter((customer) => customer.id !== survivor.id);
  const sourceOf = (field: CustomerMergeField) => chosen[field] ?? survivor.id;
  const byId = (id: string) => customers.find((customer) => customer.id === id) ?? survivor;

  const merge = useMutation(
    trpc.customers.merge.mutationOptions({
      onSuccess: async (merged) => {
        setConfirming(false);
        // Every list and check that showed the merged customers is out of date.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.customers.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.duplicates.pathKey() }),
        ]);
        void navigate(`/customers/${merged.id}`, {
          state: {
            notice: `Merged ${others.length} customer${others.length === 1 ? '' : 's'} into ${merged.name}.`,
          },
        });
      },
    }),
  );

  const taken = CUSTOMER_MERGE_FIELDS.filter((field) => sourceOf(field) !== survivor.id);

  function confirmMerge() {
    const fields = Object.fromEntries(
      CUSTOMER_MERGE_FIELDS.filter((field) => sourceOf(field) !== survivor.id).map((field) => [
        field,
        sourceOf(field),
      ]),
    );
    merge.mutate({
      id: survivor.id,
      from: others.map((customer) => customer.id),
      ...(Object.keys(fields).length > 0 && { fields }),
    });
  }

  const columns = { '--columns': customers.length } as CSSProperties;
  return (
    <>
      <section className="panel" aria-labelledby="why-heading">
        <h2 id="why-heading">Why they look alike</h2>
        {pairs.length === 0 ? (
          <p className="hint">These customers share no signal any more.</p>
        ) : (
          <ul className="compare__pairs">
            {pairs.map((pair) => (
              <li key={`${pair.a.id}-${pair.b.id}`}>
                <DuplicateLevel level={pair.level} /> {formatScore(pair.score)} ·{' '}
                <strong>{pair.a.name}</strong> and <strong>{pair.b.name}</strong>:{' '}
                {describeReasons(pair.reasons)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="compare-heading">
        <h2 id="compare-heading">Side by side</h2>
        {canMerge && (
          <p className="hint">
            Choose the customer that stays, then for each field whose value it keeps.
          </p>
        )}
        <div className="compare" style={columns}>
          <fieldset className="compare__row compare__row--head">
            <legend className="compare__label">
              {canMerge ? 'Customer that stays' : 'Customers'}
            </legend>
            <div className="compare__cells">
              {customers.map((customer) => (
                <div key={customer.id} className="compare__cell">
                  {canMerge ? (
                    <label className="choice">
                      <input
                        type="radio"
                        name="survivor"
                        checked={customer.id === survivor.id}
                        onChange={() => setSurvivorId(customer.id)}
                      />
                      <span>
                        <span className="visually-hidden">Keep </span>
                        <strong>{customer.name}</strong>
                        <span className="visually-hidden"> ({customer.email})</span>
                      </span>
                    </label>
                  ) : (
                    <strong>{customer.name}</strong>
                  )}
                  <code className="compare__id">{customer.id}</code>
                  {customer.id === survivor.id && canMerge && (
                    <span className="status-badge status-badge--default">Stays</span>
                  )}
                </div>
              ))}
            </div>
          </fieldset>
          {CUSTOMER_MERGE_FIELDS.map((field) => (
            <fieldset key={field} className="compare__row">
              <legend className="compare__label">{FIELD_LABELS[field]}</legend>
              <div className="compare__cells">
                {customers.map((customer) => (
                  <div key={customer.id} className="compare__cell">
                    {canMerge ? (
                      <label className="choice compare__choice">
                        <input
                          type="radio"
                          name={`field-${field}`}
                          checked={sourceOf(field) === customer.id}
                          onChange={() => setChosen({ ...chosen, [field]: customer.id })}
                        />
                        <span className="break-anywhere">
                          <span className="visually-hidden">
                            {FIELD_LABELS[field]} from {customer.email}:{' '}
                          </span>
                          {fieldValue(customer, field)}
                        </span>
                      </label>
                    ) : (
                      <span className="break-anywhere">{fieldValue(customer, field)}</span>
                    )}
                  </div>
                ))}
              </div>
            </fieldset>
          ))}
          <div className="compare__row" role="group" aria-label="Created">
            <span className="compare__label" aria-hidden="true">
              Created
            </span>
            <div className="compare__cells">
              {customers.map((customer) => (
                <div key={customer.id} className="compare__cell">
                  <time dateTime={customer.createdAt} title={customer.createdAt}>
                    {formatTimestamp(customer.createdAt)}
                  </time>
                </div>
              ))}
            </div>
          </div>
        </div>
        {canMerge && (
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              Merge into {survivor.name}
            </button>
          </div>
        )}
      </section>

      {canMerge && (
        <ConfirmDialog
          open={confirming}
          onOpenChange={(open) => {
            setConfirming(open);
            if (!open) merge.reset();
          }}
          title={`Merge ${customers.length} customers?`}
          description={
            <>
              <strong>{survivor.name}</strong> ({survivor.email}) stays
              {taken.length > 0 &&
                `, taking ${taken
                  .map(
                    (field) =>
                      `the ${FIELD_LABELS[field].toLowerCase()} of ${byId(sourceOf(field)).email}`,
                  )
                  .join(', ')}`}
              . The payments, payment methods, subscriptions and payment schedules of{' '}
              {others.map((customer) => customer.email).join(', ')} move to it; then{' '}
              {others.length === 1 ? 'that customer is' : 'those customers are'} deleted, and{' '}
              {others.length === 1 ? 'its id points' : 'their ids point'} to {survivor.name}. This
              cannot be undone.
            </>
          }
          confirmLabel="Merge"
          pending={merge.isPending}
          error={merge.isError ? describeError(merge.error) : undefined}
          onConfirm={confirmMerge}
        />
      )}
    </>
  );
}
