-- Trigram indexes serve customers' `query=` substring search (PGlite ships pg_trgm too).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
