/**
 * One error shape for every JSON route: `{ error, message, issues? }`. A request that
 * fails its route's zod schema answers 400 `invalid_body`, `invalid_query`,
 * `invalid_params` or `invalid_headers` with the issues (validation-error.ts). Client
 * errors keep their status (Fastify's own too: 413 body too large, 415 media type);
 * a database that is unavailable or full is a 503 with Retry-After (store-errors.ts);
 * anything else is a 500 whose details go to the log, not to the client.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics';
import { HttpError } from './http-error';
import { storeFailure } from './store-errors';
import { unstorableText } from './unstorable-text';
import { validationRefusal } from './validation-error';

export function installErrorHandler(app: FastifyInstance, metrics: Metrics): void {
  app.setErrorHandler((thrown: FastifyError | HttpError | Error, req, reply) => {
    const error = validationRefusal(thrown) ?? unstorableText(thrown) ?? thrown;
    if (error instanceof HttpError) {
      req.log.info({ status: error.statusCode, code: error.code }, 'request refused');
      metrics.counters.sg_requests_refused_total.inc({ code: error.code });
      const body = {
        error: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
        ...error.extra,
      };
      return reply.code(error.statusCode).send(body);
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = (error as FastifyError).code ?? 'bad_request';
      metrics.counters.sg_requests_refused_total.inc({ code });
      return reply.code(status).send({ error: code, message: error.message });
    }
    const store = storeFailure(error);
    if (store) {
      req.log.error({ err: error, code: store.code }, 'database unavailable');
      metrics.counters.sg_store_failures_total.inc({ code: store.code });
      reply.header('retry-after', String(store.retryAfterSeconds));
      return reply.code(503).send({ error: store.code, message: store.message });
    }
    req.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });
}
