import { setOutputChecks } from '../src/trpc/output-checks.js';
import { appRouter } from '../src/trpc/root.js';

// Every in-process server of the suites checks answers strictly: production skips the check
// (OUTPUT_CHECKS=off), which is safe only because these runs prove the parse changes nothing.
setOutputChecks(appRouter, 'strict');
