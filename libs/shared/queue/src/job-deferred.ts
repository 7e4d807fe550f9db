/**
 * Thrown by a handler to put its job back in line, after `delayMs`, without using one of its
 * attempts: the work is not failing, it cannot be done here now (another worker holds it, or this
 * process is shutting down and hands it over).
 */
export class JobDeferred extends Error {
  override readonly name = 'JobDeferred';

  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
  }
}
