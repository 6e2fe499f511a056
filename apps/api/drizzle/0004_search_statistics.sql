-- btree_gin lets the customers search index lead with account_id (next migration).
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
-- `query=` is a '%...%' LIKE: with the default 100-entry statistics the planner guesses ~100 rows
-- for most patterns and picks the trigram index even when a pattern matches 10% of an account,
-- where walking the newest-first index is 300x faster. A finer histogram lets it choose.
ALTER TABLE customers ALTER COLUMN search_text SET STATISTICS 1000;
--> statement-breakpoint
ANALYZE customers (search_text);
