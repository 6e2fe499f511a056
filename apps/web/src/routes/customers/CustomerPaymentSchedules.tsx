import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Pager } from '../../components/Pager';
import { ErrorNotice, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDate, formatTimestamp } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { FIRST_PAGE, pageLinks, type PageCursor } from '../../lib/pagination';
import { ITEM_STATUS_LABELS, remainingItems, SCHEDULE_STATUS_LABELS } from '../../lib/schedules';
import { useTRPC } from '../../lib/trpc';
import type { PaymentSchedule } from '../../lib/types';
import { invalidateBilling } from './billing-cache';
import { CreatePaymentScheduleDialog } from './CreatePaymentScheduleDialog';
import { useCustomerCards } from './customer-cards';

const PAGE_SIZE = 5;

/** The customer's payment schedules: create one, follow each item, cancel what remains. */
export function CustomerPaymentSchedules({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const canWrite = useCan('subscriptions:write');
  const [cursor, setCursor] = useState<PageCursor>(FIRST_PAGE);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const schedules = useQuery(
    trpc.paymentSchedules.list.queryOptions(
      { customer: customerId, limit: PAGE_SIZE, ...cursor },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <section className="panel" aria-labelledby="schedules-heading">
      <div className="panel__header">
        <h2 id="schedules-heading">Payment schedules</h2>
        {canWrite && (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => {
              setNotice(undefined);
              setCreating(true);
            }}
          >
            Create schedule
          </button>
        )}
      </div>
      <div className="status-line" role="status">
        {notice}
      </div>
      {schedules.isPending ? (
        <Loading label="Loading payment schedules…" />
      ) : schedules.isError ? (
        <ErrorNotice
          title="Payment schedules could not be loaded"
          error={schedules.error}
          onRetry={() => void schedules.refetch()}
        />
      ) : schedules.data.data.length === 0 ? (
        <p className="hint">No payment schedules yet.</p>
      ) : (
        <div aria-busy={schedules.isFetching} className="schedules">
          {schedules.data.data.map((schedule) => (
            <ScheduleCard
              key={schedule.id}
              schedule={schedule}
              canWrite={canWrite}
              onCanceled={setNotice}
            />
          ))}
          <Pager
            label="Payment schedule pages"
            links={pageLinks(cursor, schedules.data)}
            busy={schedules.isPlaceholderData}
            onPage={setCursor}
          />
        </div>
      )}
      {canWrite && (
        <CreatePaymentScheduleDialog
          customerId={customerId}
          open={creating}
          onOpenChange={setCreating}
          onCreated={(schedule) => {
            setCreating(false);
            setCursor(FIRST_PAGE);
            const count = schedule.items.length;
            setNotice(`Payment schedule created: ${count} payment${count === 1 ? '' : 's'}.`);
          }}
        />
      )}
    </section>
  );
}

function ScheduleCard({
  schedule,
  canWrite,
  onCanceled,
}: {
  schedule: PaymentSchedule;
  canWrite: boolean;
  onCanceled: (notice: string) => void;
}) {
  const { nameOf } = useCustomerCards(schedule.customer);
  const remaining = remainingItems(schedule);
  const method = schedule.paymentMethod;
  const total = schedule.items.reduce((sum, item) => sum + item.amount, 0);
  const count = schedule.items.length;
  const title = `${count} payment${count === 1 ? '' : 's'} of ${formatMoney(total, schedule.currency)} in all`;
  const titleId = `${schedule.id}-title`;
  return (
    <article className="schedule" aria-labelledby={titleId}>
      <div className="schedule__header">
        <div>
          <h3 id={titleId} className="schedule__title">
            {title}
          </h3>
          <p className="schedule__meta">
            <span className={`status-badge status-badge--schedule-${schedule.status}`}>
              {SCHEDULE_STATUS_LABELS[schedule.status]}
            </span>{' '}
            Created {formatTimestamp(schedule.createdAt)} · charged to{' '}
            {method === null ? 'the customer’s default' : (nameOf(method) ?? <code>{method}</code>)}{' '}
            · <code>{schedule.id}</code>
          </p>
        </div>
        {canWrite && remaining > 0 && (
          <CancelRemaining
            schedule={schedule}
            remaining={remaining}
            describedBy={titleId}
            onCanceled={onCanceled}
          />
        )}
      </div>
      <div className="table-scroll">
        <table className="table table--cards">
          <thead>
            <tr>
              <th scope="col">Due</th>
              <th scope="col" className="table__number">
                Amount
              </th>
              <th scope="col">Status</th>
              <th scope="col">Payment</th>
            </tr>
          </thead>
          <tbody>
            {schedule.items.map((item, index) => (
              <tr key={`${item.dueAt}-${index}`}>
                <td data-label="Due">
                  <time dateTime={item.dueAt} title={item.dueAt}>
                    {formatDate(item.dueAt)}
                  </time>
                </td>
                <td data-label="Amount" className="table__number table__primary">
                  {formatMoney(item.amount, schedule.currency)}
                </td>
                <td data-label="Status">
                  <span className={`status-badge status-badge--${item.status}`}>
                    {ITEM_STATUS_LABELS[item.status]}
                  </span>
                </td>
                <td data-label="Payment">
                  {item.payment ? (
                    <code>{item.payment}</code>
                  ) : (
                    <span className="table__muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function CancelRemaining({
  schedule,
  remaining,
  describedBy,
  onCanceled,
}: {
  schedule: PaymentSchedule;
  remaining: number;
  describedBy: string;
  onCanceled: (notice: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const cancel = useMutation(
    trpc.paymentSchedules.cancel.mutationOptions({
      onSuccess: async (canceled) => {
        setOpen(false);
        onCanceled('The remaining payments were canceled.');
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.paymentSchedules.list.pathKey() }),
          invalidateBilling(queryClient, trpc, canceled.customer),
        ]);
      },
    }),
  );
  const left = remaining === 1 ? 'the 1 remaining payment' : `the ${remaining} remaining payments`;
  return (
    <>
      <button
        type="button"
        className="button button--danger button--small"
        aria-describedby={describedBy}
        onClick={() => setOpen(true)}
      >
        Cancel remaining
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) cancel.reset();
        }}
        title={`Cancel ${left}?`}
        description="They will not be charged. Payments already made are kept."
        confirmLabel="Cancel payments"
        cancelLabel="Keep them"
        pending={cancel.isPending}
        error={cancel.isError ? describeError(cancel.error) : undefined}
        onConfirm={() => cancel.mutate({ id: schedule.id })}
      />
    </>
  );
}
