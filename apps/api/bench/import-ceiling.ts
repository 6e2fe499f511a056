import { randomUUID } from 'node:crypto';
import postgres from 'postgres';

/**
 * The import's ceiling on this machine: the writes `POST /v1/customers/import` makes, and nothing
 * else. For each batch of 500 rows one transaction with the two statements the server sends (the
 * customers `INSERT ... SELECT FROM jsonb_to_recordset ... ON CONFLICT DO NOTHING`, and the outbox's
 * one statement writing each customer's event, audit entry and audit values, text as in
 * customer-import.ts and outbox.ts minus the webhook fan-out, which finds no endpoint here
 * either), two transactions in flight, every payload built before the clock starts. No HTTP, no
 * CSV, no validation: what is left is PostgreSQL's own work for these rows (the customer's seven
 * indexes, the event's five, the audit entry's five and its values' two) and the commits. The
 * server cannot import faster than this.
 */
const BATCH = 500;
const IN_FLIGHT = 2;

export interface ImportCeiling {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

export async function measureImportCeiling(
  databaseUrl: string,
  accountId: string,
  rows: number,
): Promise<ImportCeiling> {
  const sql = postgres(databaseUrl, { max: IN_FLIGHT, onnotice: () => undefined });
  try {
    const now = new Date().toISOString();
    const batches = Array.from({ length: Math.ceil(rows / BATCH) }, (_, b) => {
      const customers = Array.from({ length: Math.min(BATCH, rows - b * BATCH) }, (_, i) => {
        const n = b * BATCH + i;
        const email = `ceiling.${n}@bench.example`;
        return {
          id: `cus_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
          name: `Ceiling ${n}`,
          email,
          email_identity: email,
          phone: `+1628${String(2_000_000 + n).padStart(7, '0')}`,
          description: `Imported, row ${n}`,
          metadata: { plan: n % 2 ? 'pro' : 'free' },
          mailbox_identity: email,
          name_key: `ceiling ${n}`,
        };
      });
      const events = customers.map((customer, ord) => ({
        id: `evt_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        aud_id: `aud_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
        aud_object: customer.id,
        aud_fields: ['name', 'email', 'phone', 'description', 'metadata'],
        aud_changes: {
          name: { after: customer.name },
          email: { after: `c***@bench.example` },
          phone: { after: `+16*******${customer.phone.slice(-2)}` },
          description: { after: customer.description },
          metadata: { after: customer.metadata },
        },
        type: 'customer.created',
        customer_id: customer.id,
        data: {
          object: {
            id: customer.id,
            object: 'customer',
            livemode: false,
            name: customer.name,
            email: customer.email,
            phone: customer.phone,
            description: customer.description,
            metadata: customer.metadata,
            defaultPaymentMethod: null,
            createdAt: now,
            updatedAt: now,
          },
        },
        ord,
      }));
      return { customers: JSON.stringify(customers), events: JSON.stringify(events) };
    });

    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (!batch) return;
        await sql.begin(async (tx) => {
          await tx.unsafe(
            `insert into customers (id, account_id, livemode, name, email, email_identity, phone,
               description, metadata, mailbox_identity, name_key)
             select r.id, $1, false, r.name, r.email, r.email_identity, r.phone, r.description,
               r.metadata, r.mailbox_identity, r.name_key
             from jsonb_to_recordset($2::text::jsonb) as r(id text, name text, email text,
               email_identity text, phone text, description text, metadata jsonb,
               mailbox_identity text, name_key text)
             on conflict (account_id, livemode, email_identity) where deleted_at is null do nothing
             returning id, created_at, updated_at`,
            [accountId, batch.customers],
          );
          await tx.unsafe(
            `with r as materialized (
               select * from json_to_recordset($2::text::json) as r(id text, type text,
                 customer_id text, data json, ord int, aud_id text, aud_object text,
                 aud_fields text[], aud_changes json)
             ), inserted as (
               insert into events (id, account_id, livemode, type, customer_id, data, request_id,
                 idempotency_key, created_at)
               select r.id, $1, false, r.type, r.customer_id, r.data, 'req_ceiling', null,
                 clock_timestamp() + r.ord * interval '1 microsecond'
               from r
             ), audited as (
               insert into audit_log (id, account_id, livemode, actor_type, actor_id, action,
                 object_id, customer_id, fields, request_id, client_ip, created_at)
               select r.aud_id, $1, false, 'api_key', 'key_ceiling', r.type, r.aud_object,
                 r.customer_id, r.aud_fields, 'req_ceiling', '127.0.0.1',
                 clock_timestamp() + r.ord * interval '1 microsecond'
               from r
             )
             insert into audit_log_changes (entry_id, account_id, customer_id, changes)
             select r.aud_id, $1, r.customer_id, r.aud_changes::jsonb from r`,
            [accountId, batch.events],
          );
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - started) / 1000;
    return {
      rows,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(rows / seconds),
    };
  } finally {
    await sql.end();
  }
}
