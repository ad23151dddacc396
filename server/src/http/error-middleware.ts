import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from './app-error.js';

/** body-parser's own errors carry a `type`; translate the ones a client causes. */
function fromBodyParser(error: unknown): AppError | null {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return AppError.payloadTooLarge('Request body is larger than the 1 MB limit');
  if (type === 'entity.parse.failed') return AppError.validation('body: is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'Unsupported body encoding', status: 415 });
  }
  return null;
}

/** The one error middleware: `{ error: { code, message } }`, never a stack trace. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = error instanceof AppError ? error : fromBodyParser(error);
    if (known) {
      if (known.status === 429) {
        const retryAfter = (known.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      }
      res.status(known.status).json(known.toBody());
      return;
    }
    const log = (req as { log?: Logger }).log ?? logger;
    log.error({ err: error, requestId: req.id }, 'Unhandled error while answering a request');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong on the server' } });
  };
}

/** 404 JSON for any `/api/*` path no router answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', { message: `No API route ${req.method} ${req.originalUrl.split('?')[0]}`, status: 404 }));
};
