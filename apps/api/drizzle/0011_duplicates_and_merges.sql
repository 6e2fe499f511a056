CREATE TABLE "customer_merges" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"survivor_id" text NOT NULL,
	"merged_ids" text[] NOT NULL,
	"moved" jsonb NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "mailbox_identity" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "name_key" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "merged_into" text;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merges" ADD CONSTRAINT "customer_merges_survivor_id_customers_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_merges_survivor_idx" ON "customer_merges" USING btree ("account_id","livemode","survivor_id","created_at");--> statement-breakpoint
CREATE INDEX "customers_mailbox_idx" ON "customers" USING btree ("account_id","livemode","mailbox_identity") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_phone_idx" ON "customers" USING btree ("account_id","livemode","phone") WHERE "customers"."deleted_at" is null and "customers"."phone" is not null;--> statement-breakpoint
CREATE INDEX "customers_name_key_idx" ON "customers" USING btree ("account_id","livemode","name_key") WHERE "customers"."deleted_at" is null;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_merged_is_deleted" CHECK ("customers"."merged_into" is null or "customers"."deleted_at" is not null);