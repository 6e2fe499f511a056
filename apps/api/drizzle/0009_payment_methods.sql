CREATE TABLE "payment_methods" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text,
	"type" text NOT NULL,
	"brand" text NOT NULL,
	"last4" text NOT NULL,
	"exp_month" integer NOT NULL,
	"exp_year" integer NOT NULL,
	"fingerprint" text NOT NULL,
	"attach_failure_code" text,
	"charge_failure_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detached_at" timestamp with time zone,
	CONSTRAINT "payment_methods_type_check" CHECK ("payment_methods"."type" in ('card')),
	CONSTRAINT "payment_methods_last4_digits" CHECK ("payment_methods"."last4" ~ '^[0-9]{4}$'),
	CONSTRAINT "payment_methods_exp_month_range" CHECK ("payment_methods"."exp_month" between 1 and 12),
	CONSTRAINT "payment_methods_failure_codes_check" CHECK ("payment_methods"."attach_failure_code" in ('card_declined', 'insufficient_funds')
        and "payment_methods"."charge_failure_code" in ('card_declined', 'insufficient_funds')),
	CONSTRAINT "payment_methods_unattachable_unattached" CHECK ("payment_methods"."attach_failure_code" is null or "payment_methods"."customer_id" is null),
	CONSTRAINT "payment_methods_detached_was_attached" CHECK ("payment_methods"."detached_at" is null or "payment_methods"."customer_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "server_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "default_payment_method_id" text;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_methods_customer_created_idx" ON "payment_methods" USING btree ("account_id","livemode","customer_id","created_at","id") WHERE "payment_methods"."detached_at" is null;--> statement-breakpoint
CREATE INDEX "payment_methods_fingerprint_idx" ON "payment_methods" USING btree ("account_id","livemode","fingerprint");