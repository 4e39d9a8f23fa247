import cassandra from 'cassandra-driver';

const { errors, types } = cassandra;
const codes = types.responseErrorCodes;
type Decision = ReturnType<cassandra.policies.retry.RetryPolicy['rethrowResult']>;
type Info = Parameters<cassandra.policies.retry.RetryPolicy['onUnavailable']>[0];

/** The database cannot answer now (no coordinator, too few replicas, timeouts): the app answers 503. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly statement: string,
    cause: unknown,
  ) {
    super(`Cassandra unavailable (${statement}): ${(cause as Error).message}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Server answers that mean "not now": retried by the policy, then a 503. */
const TRANSIENT = new Set<number>([
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.readTimeout,
  codes.writeTimeout,
  codes.readFailure,
  codes.writeFailure,
  codes.truncateError,
]);

export function isUnavailable(err: unknown): boolean {
  if (
    err instanceof errors.NoHostAvailableError ||
    err instanceof errors.OperationTimedOutError ||
    err instanceof errors.BusyConnectionError
  )
    return true;
  if (err instanceof errors.ResponseError) return TRANSIENT.has(err.code);
  // A connection closed under a request ("Socket was closed", connection reset) before any answer.
  return err instanceof errors.DriverError && /socket|connection|closed/i.test(err.message);
}

/** No node could even be asked: every host refused the connection or is marked down. */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof errors.NoHostAvailableError)) return false;
  return Object.values(err.innerErrors ?? {}).every(
    (e) => !(e instanceof errors.ResponseError) && !(e instanceof errors.OperationTimedOutError),
  );
}

/**
 * An error after which a non-idempotent statement (an LWT) may or may not have been applied:
 * the request was written, then the connection died or no answer came in time. `Unavailable`
 * and bootstrapping answers are certain refusals and need no check.
 */
export function isAmbiguous(err: unknown): boolean {
  if (err instanceof errors.NoHostAvailableError) return Object.values(err.innerErrors ?? {}).some(isAmbiguous);
  if (err instanceof errors.ResponseError) return err.code === codes.writeTimeout || err.code === codes.writeFailure;
  return (
    err instanceof errors.OperationTimedOutError || (err instanceof errors.DriverError && /socket|connection|closed/i.test(err.message))
  );
}

/**
 * Retries what is safe, each time on the next host, at most `maxRetries` times: reads after a
 * read timeout or failure, anything after `Unavailable` (nothing was done), and idempotent
 * statements after a write timeout or a lost connection (the driver asks only for those).
 */
export class AppRetryPolicy extends cassandra.policies.retry.RetryPolicy {
  constructor(private readonly maxRetries = 2) {
    super();
  }

  private next(info: Info): Decision {
    return info.nbRetry < this.maxRetries
      ? this.retryResult(undefined as unknown as cassandra.types.consistencies, false)
      : this.rethrowResult();
  }

  override onUnavailable(info: Info): Decision {
    return this.next(info);
  }

  override onReadTimeout(info: Info): Decision {
    return this.next(info);
  }

  override onWriteTimeout(info: Info): Decision {
    // Called for idempotent statements only (the driver rethrows the others itself).
    return this.next(info);
  }

  override onRequestError(info: Info): Decision {
    return this.next(info);
  }
}
