import { redactedEmail } from '@peasswap/domain';
import { useQuery } from '@tanstack/react-query';
import { useCan } from '../../app/session';
import { useTRPC } from '../../lib/trpc';
import type { Customer } from '../../lib/types';

/** An erased customer carries the redaction's email, unique to them and never a real address. */
export function isRedacted(customer: Pick<Customer, 'id' | 'email'>): boolean {
  return customer.email === redactedEmail(customer.id);
}

/**
 * Whether the customer's personal data was erased, and when: `justErased` when this page did it,
 * else the audit log's record of the erasure, for those who may read it (the customer object
 * itself says only that it was).
 */
export function useRedaction(
  customer: Customer,
  justErased: string | undefined,
): { redacted: boolean; at: string | undefined } {
  const trpc = useTRPC();
  const canReadAudit = useCan('audit:read');
  const redacted = justErased !== undefined || isRedacted(customer);
  const record = useQuery(
    trpc.auditLog.list.queryOptions(
      { customer: customer.id, action: 'customer.redacted', limit: 1 },
      { enabled: redacted && justErased === undefined && canReadAudit },
    ),
  );
  return { redacted, at: justErased ?? record.data?.data[0]?.createdAt };
}
