/**
 * Everything the bench started that must be stopped even when it fails or is interrupted (Ctrl-C):
 * each phase stops what it started in `finally`, and the entry point runs whatever is left on a signal.
 */
const pending = new Set<() => Promise<void>>();

/** Registers a stop; answers the function that runs it once (and unregisters it). */
export function registerStop(stop: () => Promise<void>): () => Promise<void> {
  let ran: Promise<void> | undefined;
  const once = (): Promise<void> => {
    pending.delete(once);
    ran ??= stop();
    return ran;
  };
  pending.add(once);
  return once;
}

export async function stopEverything(): Promise<void> {
  await Promise.allSettled([...pending].map((stop) => stop()));
}
