import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PagedList } from '../../components/PagedList';
import { PanelHeader } from '../../components/PanelHeader';
import { describeCard, formatExpiry, isExpired } from '../../lib/cards';
import { describeError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
import { useTRPC } from '../../lib/trpc';
import type { Customer, PaymentMethod } from '../../lib/types';
import { AddCardDialog } from './AddCardDialog';

const PAGE_SIZE = 10;

/** The customer's saved cards: add one, make one the default, remove one. */
export function CustomerPaymentMethods({ customer }: { customer: Customer }) {
  const trpc = useTRPC();
  const canWrite = useCan('payment_methods:write');
  // The default is a field of the customer, so setting it is a customer update.
  const canSetDefault = useCan('customers:write');
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<PaymentMethod | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const methods = useQuery(
    trpc.customers.paymentMethods.queryOptions(
      { id: customer.id, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );
  const makeDefault = useMakeDefault(customer, setNotice);
  const now = new Date();

  return (
    <section className="panel" aria-labelledby="payment-methods-heading">
      <PanelHeader
        headingId="payment-methods-heading"
        title="Payment methods"
        action={
          canWrite
            ? {
                label: 'Add card',
                onClick: () => {
                  setNotice(undefined);
                  setAdding(true);
                },
              }
            : undefined
        }
        notice={notice}
      />
      {makeDefault.isError && (
        <p className="form-error" role="alert">
          {describeError(makeDefault.error)}
        </p>
      )}
      <PagedList
        query={methods}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading payment methods…"
        errorTitle="Payment methods could not be loaded"
        empty="No saved cards yet."
        pagerLabel="Payment method pages"
      >
        {(rows) => (
          <div className="table-scroll">
            <table className="table table--cards">
              <thead>
                <tr>
                  <th scope="col">Card</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Added</th>
                  {canWrite && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((method) => {
                  const isDefault = method.id === customer.defaultPaymentMethod;
                  const nameId = `${method.id}-name`;
                  return (
                    <tr key={method.id}>
                      <td data-label="Card" className="table__primary">
                        <span className="card-name">
                          <span id={nameId}>{describeCard(method.card)}</span>
                          {isDefault && (
                            <span className="status-badge status-badge--default">Default</span>
                          )}
                        </span>
                      </td>
                      <td data-label="Expires">
                        {formatExpiry(method.card.expMonth, method.card.expYear)}
                        {isExpired(method.card, now) && (
                          <span className="status-note status-note--warning"> Expired</span>
                        )}
                      </td>
                      <td data-label="Added">
                        <time dateTime={method.createdAt}>{formatDate(method.createdAt)}</time>
                      </td>
                      {canWrite && (
                        <td className="table__actions">
                          <div className="row-actions">
                            {canSetDefault && !isDefault && (
                              <button
                                type="button"
                                className="button button--secondary button--small"
                                aria-describedby={nameId}
                                disabled={makeDefault.isPending}
                                onClick={() =>
                                  makeDefault.mutate({
                                    id: customer.id,
                                    defaultPaymentMethod: method.id,
                                  })
                                }
                              >
                                Make default
                              </button>
                            )}
                            <button
                              type="button"
                              className="button button--danger button--small"
                              aria-describedby={nameId}
                              onClick={() => setRemoving(method)}
                            >
                              Remove
                            </button>
                          </div>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      {canWrite && (
        <>
          <AddCardDialog
            customerId={customer.id}
            open={adding}
            onOpenChange={setAdding}
            onAdded={(method) => {
              setAdding(false);
              setCursor(FIRST_PAGE);
              setNotice(`${describeCard(method.card)} was added.`);
            }}
          />
          <RemoveCardDialog
            customer={customer}
            method={removing}
            onClose={() => setRemoving(undefined)}
            onRemoved={(method) => setNotice(`${describeCard(method.card)} was removed.`)}
          />
        </>
      )}
    </section>
  );
}

function useMakeDefault(customer: Customer, onDone: (notice: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.customers.update.mutationOptions({
      onMutate: () => onDone(''),
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.customers.retrieve.queryKey({ id: updated.id }), updated);
        onDone(`The default payment method of ${customer.name} was changed.`);
      },
    }),
  );
}

function RemoveCardDialog({
  customer,
  method,
  onClose,
  onRemoved,
}: {
  customer: Customer;
  method: PaymentMethod | undefined;
  onClose: () => void;
  onRemoved: (method: PaymentMethod) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detach = useMutation(
    trpc.paymentMethods.detach.mutationOptions({
      onSuccess: async (detached) => {
        onRemoved(detached);
        onClose();
        // Detaching the default clears it on the customer.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.customers.paymentMethods.pathKey() }),
          queryClient.invalidateQueries({
            queryKey: trpc.customers.retrieve.queryKey({ id: customer.id }),
          }),
        ]);
      },
    }),
  );
  const name = method ? describeCard(method.card) : '';
  const isDefault = method !== undefined && method.id === customer.defaultPaymentMethod;
  return (
    <ConfirmDialog
      open={method !== undefined}
      onOpenChange={(open) => {
        if (!open) {
          detach.reset();
          onClose();
        }
      }}
      title={`Remove ${name}?`}
      description={
        <>
          It is detached from {customer.name} and can no longer be charged.
          {isDefault && ' It is their default: they will have none until you choose another.'}
        </>
      }
      confirmLabel="Remove card"
      cancelLabel="Keep card"
      pending={detach.isPending}
      error={detach.isError ? describeError(detach.error) : undefined}
      onConfirm={() => method && detach.mutate({ id: method.id })}
    />
  );
}
