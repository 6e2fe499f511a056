CREATE TABLE "customer_payment_totals" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"succeeded_count" bigint NOT NULL,
	"total" numeric(38, 0) NOT NULL,
	"last_payment_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_payment_totals_account_id_livemode_customer_id_currency_pk" PRIMARY KEY("account_id","livemode","customer_id","currency"),
	CONSTRAINT "customer_payment_totals_nonnegative" CHECK ("customer_payment_totals"."succeeded_count" >= 0 and "customer_payment_totals"."total" >= 0)
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"payment_method_id" text,
	"status" text NOT NULL,
	"failure_code" text,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_range" CHECK ("payments"."amount" between 1 and 99999999),
	CONSTRAINT "payments_currency_lower" CHECK ("payments"."currency" ~ '^[a-z]{3}$'),
	CONSTRAINT "payments_status_check" CHECK ("payments"."status" in ('succeeded', 'failed')),
	CONSTRAINT "payments_failure_code_matches_status" CHECK (("payments"."status" = 'failed') = ("payments"."failure_code" is not null))
);
--> statement-breakpoint
ALTER TABLE "customer_payment_totals" ADD CONSTRAINT "customer_payment_totals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_payment_totals" ADD CONSTRAINT "customer_payment_totals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payments_created_idx" ON "payments" USING btree ("account_id","livemode","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_customer_created_idx" ON "payments" USING btree ("account_id","livemode","customer_id","created_at","id");