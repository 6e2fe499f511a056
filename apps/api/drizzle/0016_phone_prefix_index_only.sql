-- A phone search's page is read from the phone prefix index alone (listCustomers' phonePageIds):
-- with (created_at, id) in the index, the matches are ordered and cut to the page without a heap
-- page each (an index-only scan), and only the page's rows are read. Without them a whole typed
-- number shared by 100 customers read 100 heap pages for a page of 10. INCLUDE, not key columns:
-- a prefix is a range of phones, whose entries are in phone order whatever follows it. Drizzle's
-- index builder has no INCLUDE, so src/db/schema/customers.ts declares the keys and says so.
-- Built beside the old index and renamed, so reads are blocked only for the drop and the rename,
-- not for the build (writes wait for the build either way).
CREATE INDEX "customers_live_phone_prefix_covering_idx" ON "customers" USING btree ("account_id","livemode","phone" text_pattern_ops) INCLUDE ("created_at","id") WHERE "customers"."deleted_at" is null and "customers"."phone" is not null;--> statement-breakpoint
DROP INDEX "customers_live_phone_prefix_idx";--> statement-breakpoint
ALTER INDEX "customers_live_phone_prefix_covering_idx" RENAME TO "customers_live_phone_prefix_idx";
