import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PagedList } from '../../components/PagedList';
import { PanelHeader } from '../../components/PanelHeader';
import { describeError } from '../../lib/errors';
import { formatDate, formatTimestamp } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { FIRST_PAGE, type PageCursor } from '../../lib/pagination';
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
      <PanelHeader
        headingId="schedules-heading"
        title="Payment schedules"
        action={
          canWrite
            ? {
                label: 'Create schedule',
                onClick: () => {
                  setNotice(undefined);
                  setCreating(true);
                },
              }
            : undefined
        }
        notice={notice}
      />
      <PagedList
        query={schedules}
        cursor={cursor}
        onPage={setCursor}
        loadingLabel="Loading payment schedules…"
        errorTitle="Payment schedules could not be loaded"
        empty="No payment schedules yet."
        pagerLabel="Payment schedule pages"
        className="schedules"
      >
        {(rows) =>
          rows.map((schedule) => (
            <ScheduleCard
              key={schedule.id}
              schedule={schedule}
              canWrite={canWrite}
              onCanceled={setNotice}
            />
          ))
        }
      </PagedList>
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
