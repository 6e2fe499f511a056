-- `query=` typed like the start of an email or like a phone number is a prefix search (see
-- searchMatches in src/queries/customers.ts): a range over these, in byte order. text_pattern_ops,
-- not the columns' own B-trees: those sort by the database's collation, in which a prefix is not
-- one range (en_US ignores punctuation such as `@` and `+` at first).
CREATE INDEX "customers_live_email_prefix_idx" ON "customers" USING btree ("account_id","livemode","email_identity" text_pattern_ops) WHERE "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "customers_live_phone_prefix_idx" ON "customers" USING btree ("account_id","livemode","phone" text_pattern_ops) WHERE "customers"."deleted_at" is null and "customers"."phone" is not null;
