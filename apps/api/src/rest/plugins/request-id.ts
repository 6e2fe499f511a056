import fp from 'fastify-plugin';

/** Every response carries the `Request-Id` Fastify gave the request (see `genReqId`). */
export const requestIdPlugin = fp(
  (app, _options, done) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('request-id', request.id);
    });
    done();
  },
  { name: 'request-id' },
);
