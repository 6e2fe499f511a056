import type { FastifyInstance, RouteOptions } from 'fastify';

type RouteHookName = 'preHandler' | 'onSend' | 'onResponse';
type RouteHooks = { [Name in RouteHookName]?: NonNullable<RouteOptions[Name]> };

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Attach `hooks` to each route `applies` to, as the route is registered, after the route's own.
 * A hook added with `app.addHook` runs on every request; one that only some routes need (the
 * idempotency store on POSTs, tRPC's answer on /trpc) costs every other request a promise and a
 * turn of Fastify's hook runner, and with an onSend hook Fastify cannot write the answer at once.
 * Route hooks run after application hooks of the same kind, in the order they were attached.
 */
export function addRouteHooks(
  app: FastifyInstance,
  applies: (route: RouteOptions) => boolean,
  hooks: RouteHooks,
): void {
  app.addHook('onRoute', (route) => {
    if (!applies(route)) return;
    for (const name of Object.keys(hooks) as RouteHookName[]) {
      const added = hooks[name];
      if (added === undefined) continue;
      const own = asList(route[name]);
      (route as Record<RouteHookName, unknown>)[name] = [...own, ...asList(added)];
    }
  });
}

/** Whether a route answers `method` (a route may list several). */
export function routeAnswers(route: RouteOptions, method: string): boolean {
  return asList(route.method).includes(method);
}
