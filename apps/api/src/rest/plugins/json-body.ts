import fp from 'fastify-plugin';
import { DomainError } from '@peasswap/domain';

/**
 * JSON request bodies. An empty body (a DELETE sent with `Content-Type: application/json`) is no
 * body at all; anything that is not JSON is refused with `json_invalid`.
 */
export const jsonBodyPlugin = fp(
  (app, _options, done) => {
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new DomainError('json_invalid', 'The request body is not valid JSON.'));
      }
    });
    done();
  },
  { name: 'json-body' },
);
