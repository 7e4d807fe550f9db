import type { AppName, Stack } from '../stack/stack';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Victim {
  /** The service's name in the stack, and the app it runs. */
  name: string;
  app: AppName;
  env?: Record<string, string>;
}

/**
 * Until `stop()` is called, SIGKILLs one of `victims` (picked at random) at a random moment every
 * `minMs`..`maxMs`, and starts it again at once. `stop()` resolves once every victim runs again,
 * with the number of kills.
 */
export function killAtRandom(stack: Stack, victims: readonly Victim[], minMs: number, maxMs: number): { stop: () => Promise<number> } {
  let stopping = false;
  let kills = 0;
  const loop = (async () => {
    while (!stopping) {
      await pause(minMs + Math.random() * (maxMs - minMs));
      if (stopping) break;
      const victim = victims[Math.floor(Math.random() * victims.length)]!;
      await stack.service(victim.name).stop('SIGKILL');
      kills++;
      await stack.startService(victim.name, victim.app, victim.env);
    }
  })();
  // A failed restart ends the chaos; `stop()` reports it.
  loop.catch(() => (stopping = true));
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return kills;
    },
  };
}
