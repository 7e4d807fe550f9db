import type { AppName, Stack } from '../stack/stack';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Victim {
  /** The service's name in the stack, and the app it runs. */
  name: string;
  app: AppName;
  env?: Record<string, string>;
}

export interface Chaos {
  /** Ends the kills; resolves once every victim runs again, with the kills per victim's name. */
  stop: () => Promise<Record<string, number>>;
}

/**
 * Until `stop()` is called, each group of victims runs its own loop: wait a random
 * `minMs`..`maxMs`, SIGKILL one of the group (picked at random), start it again, repeat. So groups
 * die independently (kills keep coming in one while a restart is slow in another), and a group of
 * replicas never has more than one down, so the service they provide stays up.
 */
export function killAtRandom(stack: Stack, groups: readonly (readonly Victim[])[], minMs: number, maxMs: number): Chaos {
  let stopping = false;
  const kills: Record<string, number> = Object.fromEntries(groups.flat().map((victim) => [victim.name, 0]));
  const loops = groups.map(async (victims) => {
    while (!stopping) {
      await pause(minMs + Math.random() * (maxMs - minMs));
      if (stopping) break;
      const victim = victims[Math.floor(Math.random() * victims.length)]!;
      await stack.service(victim.name).stop('SIGKILL');
      kills[victim.name]!++;
      await stack.startService(victim.name, victim.app, victim.env);
    }
  });
  // A failed restart ends the chaos; `stop()` reports it.
  const all = Promise.all(loops).catch((error: unknown) => {
    stopping = true;
    throw error;
  });
  all.catch(() => undefined);
  return {
    stop: async () => {
      stopping = true;
      await all;
      return kills;
    },
  };
}
