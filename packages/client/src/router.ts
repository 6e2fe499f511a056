/**
 * The API's router type. In the workspace it is the API's own (`@peasswap/api/router`), so the
 * dashboard and this package always see the router as it is; the published package replaces this
 * module's declaration with a self-contained copy of every procedure's input and output
 * (scripts/emit-router-types.ts), so a merchant needs neither the API's source nor its
 * dependencies to type-check.
 */
export type { AppRouter } from '@peasswap/api/router';
