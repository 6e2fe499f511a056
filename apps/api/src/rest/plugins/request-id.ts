import fp from 'fastify-plugin';

/** Every response carries the `Request-Id` Fastify gave the request (see `genReqId`). */
export const requestIdPlugin = fp(
  (app, _options, done) => {
    // A callback hook, not an async one: nothing to wait for, so no promise per request.
    app.addHook('onRequest', (request, reply, hookDone) => {
      reply.header('request-id', request.id);
      hookDone();
    });
    done();
  },
  { name: 'request-id' },
);
