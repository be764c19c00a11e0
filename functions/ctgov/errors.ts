/** Errors the ClinicalTrials.gov client throws. */

/** A request that failed for good: a 4xx (not retried) or retries exhausted. */
export class CtgovRequestError extends Error {
  override name = 'CtgovRequestError';
  constructor(
    message: string,
    readonly details: {
      url: string;
      /** HTTP status of the last attempt, when there was a response. */
      status?: number | undefined;
      /** The API's plain-text explanation (400s), trimmed. */
      body?: string | undefined;
      /** Attempts made, including the first. */
      attempts: number;
      /** Why the last attempt failed (see RetryReason). */
      reason?: string | undefined;
    },
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

/** A response whose envelope (not a single study) has the wrong shape. */
export class CtgovSchemaError extends Error {
  override name = 'CtgovSchemaError';
  constructor(
    message: string,
    readonly url: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
  }
}
