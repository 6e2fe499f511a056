CREATE TABLE "subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"default_payment_method_id" text,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	"interval_count" integer NOT NULL,
	"status" text NOT NULL,
	"billing_cycle_anchor" timestamp with time zone NOT NULL,
	"period_index" integer NOT NULL,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"trial_start" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_billing_at" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"cancellation_reason" text,
	"latest_payment_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_amount_range" CHECK ("subscriptions"."amount" between 1 and 99999999),
	CONSTRAINT "subscriptions_currency_lower" CHECK ("subscriptions"."currency" ~ '^[a-z]{3}$'),
	CONSTRAINT "subscriptions_interval_count_range" CHECK ("subscriptions"."interval_count" >= 1 and "subscriptions"."interval_count" <= case "subscriptions"."interval"
        when 'day' then 365 when 'week' then 52 when 'month' then 12 else 1 end),
	CONSTRAINT "subscriptions_status_check" CHECK ("subscriptions"."status" in ('trialing', 'active', 'past_due', 'canceled', 'incomplete')),
	CONSTRAINT "subscriptions_canceled_has_reason" CHECK (("subscriptions"."status" = 'canceled') = ("subscriptions"."cancellation_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "payment_schedule_items" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"schedule_id" text NOT NULL,
	"position" integer NOT NULL,
	"amount" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"payment_id" text,
	CONSTRAINT "payment_schedule_items_position_key" UNIQUE("schedule_id","position"),
	CONSTRAINT "payment_schedule_items_amount_range" CHECK ("payment_schedule_items"."amount" between 1 and 99999999),
	CONSTRAINT "payment_schedule_items_status_check" CHECK ("payment_schedule_items"."status" in ('scheduled', 'succeeded', 'failed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "payment_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"payment_method_id" text,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"canceled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_schedules_currency_lower" CHECK ("payment_schedules"."currency" ~ '^[a-z]{3}$'),
	CONSTRAINT "payment_schedules_status_check" CHECK ("payment_schedules"."status" in ('active', 'completed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "billing_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"subscription_id" text,
	"period_index" integer,
	"attempt" integer,
	"schedule_item_id" text,
	"idempotency_key" text NOT NULL,
	"customer_id" text NOT NULL,
	"payment_method_id" text,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	"failure_code" text,
	"payment_id" text,
	"billed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "billing_attempts_idempotency_key" UNIQUE("idempotency_key"),
	CONSTRAINT "billing_attempts_subscription_attempt_key" UNIQUE("subscription_id","period_index","attempt"),
	CONSTRAINT "billing_attempts_schedule_item_key" UNIQUE("schedule_item_id"),
	CONSTRAINT "billing_attempts_payment_key" UNIQUE("payment_id"),
	CONSTRAINT "billing_attempts_one_source" CHECK (("billing_attempts"."subscription_id" is null) <> ("billing_attempts"."schedule_item_id" is null)),
	CONSTRAINT "billing_attempts_state_check" CHECK ("billing_attempts"."state" in ('pending', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "subscription_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "payment_schedule_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "billing_attempt_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedule_items" ADD CONSTRAINT "payment_schedule_items_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedule_items" ADD CONSTRAINT "payment_schedule_items_schedule_id_payment_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."payment_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedules" ADD CONSTRAINT "payment_schedules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_schedules" ADD CONSTRAINT "payment_schedules_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_attempts" ADD CONSTRAINT "billing_attempts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_attempts" ADD CONSTRAINT "billing_attempts_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_attempts" ADD CONSTRAINT "billing_attempts_schedule_item_id_payment_schedule_items_id_fk" FOREIGN KEY ("schedule_item_id") REFERENCES "public"."payment_schedule_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscriptions_created_idx" ON "subscriptions" USING btree ("account_id","livemode","created_at","id");--> statement-breakpoint
CREATE INDEX "subscriptions_customer_created_idx" ON "subscriptions" USING btree ("account_id","livemode","customer_id","created_at","id");--> statement-breakpoint
CREATE INDEX "subscriptions_status_created_idx" ON "subscriptions" USING btree ("account_id","livemode","status","created_at","id");--> statement-breakpoint
CREATE INDEX "subscriptions_due_idx" ON "subscriptions" USING btree ("next_billing_at") WHERE "subscriptions"."next_billing_at" is not null;--> statement-breakpoint
CREATE INDEX "subscriptions_scope_due_idx" ON "subscriptions" USING btree ("account_id","livemode","next_billing_at") WHERE "subscriptions"."next_billing_at" is not null;--> statement-breakpoint
CREATE INDEX "payment_schedule_items_due_idx" ON "payment_schedule_items" USING btree ("due_at") WHERE "payment_schedule_items"."status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "payment_schedule_items_scope_due_idx" ON "payment_schedule_items" USING btree ("account_id","livemode","due_at") WHERE "payment_schedule_items"."status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "payment_schedules_created_idx" ON "payment_schedules" USING btree ("account_id","livemode","created_at","id");--> statement-breakpoint
CREATE INDEX "payment_schedules_customer_created_idx" ON "payment_schedules" USING btree ("account_id","livemode","customer_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_attempts_period_paid_key" ON "billing_attempts" USING btree ("subscription_id","period_index") WHERE "billing_attempts"."state" = 'succeeded';--> statement-breakpoint
CREATE INDEX "billing_attempts_pending_idx" ON "billing_attempts" USING btree ("created_at") WHERE "billing_attempts"."state" = 'pending';--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_billing_attempt_key" UNIQUE("billing_attempt_id");