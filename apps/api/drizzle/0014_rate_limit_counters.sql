-- Rate-limit counters shared by every server process (RATE_LIMIT_STORE=database, the default on
-- PostgreSQL). UNLOGGED: its rows are written on every lease and every failed authentication, and
-- nothing in it needs to outlive a crash: after one, PostgreSQL empties it and every counter starts
-- a fresh window, which at worst lets each key and address have one window's budget again. It skips
-- the write-ahead log, so it is also absent from streaming replicas (the limiter uses the primary).
-- Keyed by what is limited (an API key's id, a client address), not by account: not account data,
-- so not distributed by account_id on Citus (a local table on the coordinator). IF NOT EXISTS: a
-- database that ran this migration under an earlier number does not fail on it again.
CREATE UNLOGGED TABLE IF NOT EXISTS "rate_limit_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"granted" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL
);
