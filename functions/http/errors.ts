/**
 * The one error type the HTTP layer turns into a response. Anything else that reaches the
 * error handler is a bug or an outage and becomes a 500/503 that says nothing of internals.
 */
export interface ProblemDetail {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable, machine-readable code (`invalid_json`, `body_too_large`, …). */
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const isHttpError = (e: unknown): e is HttpError => e instanceof HttpError;

/** Raised when the match index cannot be loaded at all (no older copy to serve). */
export class ServiceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
  }
}
