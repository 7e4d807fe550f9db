import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeService {
  name: string;
  command?: string[];
  environment: Record<string, string>;
  image?: string;
}

/**
 * Reads a compose file the way `docker compose` would for what tests need: merge keys (`<<`),
 * `${VAR:-default}` interpolation from `env`, and each service's command and environment.
 */
export function readComposeFile(path: string, env: Record<string, string | undefined> = {}): ComposeService[] {
  const document = parse(interpolate(readFileSync(path, 'utf8'), env), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string | number>; image?: string }>;
  };
  return Object.entries(document.services).map(([name, service]) => ({
    name,
    ...(service.command ? { command: service.command } : {}),
    ...(service.image ? { image: service.image } : {}),
    environment: Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)])),
  }));
}

function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '');
}
