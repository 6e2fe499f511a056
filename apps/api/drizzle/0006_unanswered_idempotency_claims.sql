-- Claims written before a request ran (the old scheme) hold no answer: the request they claimed
-- either committed nothing or is retried as new. Only answered keys survive into 0007's table.
DELETE FROM "idempotency_keys" WHERE "state" <> 'completed' OR "response_status" IS NULL OR "response_body" IS NULL;
