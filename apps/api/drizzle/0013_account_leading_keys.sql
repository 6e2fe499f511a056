-- Every key of a per-account table leads with account_id, so the schema can be distributed by
-- account (Citus: distributed tables by account_id, co-located) without another change: a
-- distributed table's primary key, unique constraints and foreign keys must contain the
-- distribution column, and a foreign key between two of them must join on it. Leading with it
-- also keeps one account's keys together in each index. See docs/scaling.md; the migration test
-- (test/schema-keys.test.ts) holds every table to it or to a recorded reason why not.
--
-- accounts, api_keys, users, sessions, server_secrets and sign_in_attempts keep their keys: they
-- are reference or local tables (a key's hash, an email or a session token is looked up before
-- the account is known). Foreign keys to accounts(id) already lead with account_id.
--
-- Order: the foreign keys that point at a primary key go first (a referenced key cannot be
-- dropped), then each primary key is swapped in one statement (one lock, one index build), then
-- the unique keys, and the foreign keys come back on (account_id, x_id), validating every row.
-- ON DELETE behaviours are kept: cascade from events, endpoints and deliveries, none elsewhere.
ALTER TABLE "customer_payment_totals" DROP CONSTRAINT "customer_payment_totals_customer_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_customer_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_customer_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "payment_schedules" DROP CONSTRAINT "payment_schedules_customer_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "payment_schedule_items" DROP CONSTRAINT "payment_schedule_items_schedule_id_payment_schedules_id_fk";--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_subscription_id_subscriptions_id_fk";--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_schedule_item_id_payment_schedule_items_id_fk";--> statement-breakpoint
ALTER TABLE "payment_methods" DROP CONSTRAINT "payment_methods_customer_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "customer_merges" DROP CONSTRAINT "customer_merges_survivor_id_customers_id_fk";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_event_id_events_id_fk";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk";--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "webhook_delivery_attempts_delivery_id_webhook_deliveries_id_fk";--> statement-breakpoint
ALTER TABLE "audit_log_changes" DROP CONSTRAINT "audit_log_changes_entry_id_audit_log_id_fk";--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_pkey", ADD CONSTRAINT "customers_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_pkey", ADD CONSTRAINT "payments_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_pkey", ADD CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "payment_schedules" DROP CONSTRAINT "payment_schedules_pkey", ADD CONSTRAINT "payment_schedules_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "payment_schedule_items" DROP CONSTRAINT "payment_schedule_items_pkey", ADD CONSTRAINT "payment_schedule_items_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_pkey", ADD CONSTRAINT "billing_attempts_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "payment_methods" DROP CONSTRAINT "payment_methods_pkey", ADD CONSTRAINT "payment_methods_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "customer_merges" DROP CONSTRAINT "customer_merges_pkey", ADD CONSTRAINT "customer_merges_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_pkey", ADD CONSTRAINT "events_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_pkey", ADD CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_pkey", ADD CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" DROP CONSTRAINT "webhook_delivery_attempts_pkey", ADD CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey", ADD CONSTRAINT "audit_log_pkey" PRIMARY KEY ("account_id", "id");--> statement-breakpoint
ALTER TABLE "audit_log_changes" DROP CONSTRAINT "audit_log_changes_pkey", ADD CONSTRAINT "audit_log_changes_pkey" PRIMARY KEY ("account_id", "entry_id");--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_billing_attempt_key", ADD CONSTRAINT "payments_billing_attempt_key" UNIQUE ("account_id", "billing_attempt_id");--> statement-breakpoint
ALTER TABLE "payment_schedule_items" DROP CONSTRAINT "payment_schedule_items_position_key", ADD CONSTRAINT "payment_schedule_items_position_key" UNIQUE ("account_id", "schedule_id", "position");--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_idempotency_key", ADD CONSTRAINT "billing_attempts_idempotency_key" UNIQUE ("account_id", "idempotency_key");--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_subscription_attempt_key", ADD CONSTRAINT "billing_attempts_subscription_attempt_key" UNIQUE ("account_id", "subscription_id", "period_index", "attempt");--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_schedule_item_key", ADD CONSTRAINT "billing_attempts_schedule_item_key" UNIQUE ("account_id", "schedule_item_id");--> statement-breakpoint
ALTER TABLE "billing_attempts" DROP CONSTRAINT "billing_attempts_payment_key", ADD CONSTRAINT "billing_attempts_payment_key" UNIQUE ("account_id", "payment_id");--> statement-breakpoint
DROP INDEX "billing_attempts_period_paid_key";--> statement-breakpoint
CREATE UNIQUE INDEX "billing_attempts_period_paid_key" ON "billing_attempts" USING btree ("account_id", "subscription_id", "period_index") WHERE "billing_attempts"."state" = 'succeeded';--> statement-breakpoint
DROP INDEX "webhook_deliveries_event_endpoint_key";--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint_key" ON "webhook_deliveries" USING btree ("account_id", "event_id", "endpoint_id") WHERE "webhook_deliveries"."origin" = 'event';--> statement-breakpoint
DROP INDEX "webhook_delivery_attempts_delivery_attempt_key";--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_delivery_attempts_delivery_attempt_key" ON "webhook_delivery_attempts" USING btree ("account_id", "delivery_id", "attempt");--> statement-breakpoint
ALTER TABLE "customer_payment_totals" ADD CONSTRAINT "customer_payment_totals_customer_id_fk" FOREIGN KEY ("account_id", "customer_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_customer_id_fk" FOREIGN KEY ("account_id", "customer_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_id_fk" FOREIGN KEY ("account_id", "customer_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedules" ADD CONSTRAINT "payment_schedules_customer_id_fk" FOREIGN KEY ("account_id", "customer_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedule_items" ADD CONSTRAINT "payment_schedule_items_schedule_id_fk" FOREIGN KEY ("account_id", "schedule_id") REFERENCES "public"."payment_schedules"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_attempts" ADD CONSTRAINT "billing_attempts_subscription_id_fk" FOREIGN KEY ("account_id", "subscription_id") REFERENCES "public"."subscriptions"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_attempts" ADD CONSTRAINT "billing_attempts_schedule_item_id_fk" FOREIGN KEY ("account_id", "schedule_item_id") REFERENCES "public"."payment_schedule_items"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_customer_id_fk" FOREIGN KEY ("account_id", "customer_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_survivor_id_fk" FOREIGN KEY ("account_id", "survivor_id") REFERENCES "public"."customers"("account_id", "id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fk" FOREIGN KEY ("account_id", "event_id") REFERENCES "public"."events"("account_id", "id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fk" FOREIGN KEY ("account_id", "endpoint_id") REFERENCES "public"."webhook_endpoints"("account_id", "id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fk" FOREIGN KEY ("account_id", "delivery_id") REFERENCES "public"."webhook_deliveries"("account_id", "id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log_changes" ADD CONSTRAINT "audit_log_changes_entry_id_fk" FOREIGN KEY ("account_id", "entry_id") REFERENCES "public"."audit_log"("account_id", "id") ON DELETE no action ON UPDATE no action;
