import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface ComposeService {
  name: string;
  command?: string[];
  environment: Record<string, string>;
  image?: string;
  /** Other names the service answers to on the compose network. */
  aliases: string[];
}

interface ComposeDocument {
  include?: string[];
  services: Record<string, { command?: string[]; environment?: Record<string, string | number>; image?: string; networks?: { default?: { aliases?: string[] } } }>;
}

/**
 * Reads a compose file the way `docker compose` would for what tests need: `include`d files,
 * merge keys (`<<`), `${VAR:-default}` interpolation from `env`, and each service's command,
 * environment and network aliases.
 */
export function readComposeFile(path: string, env: Record<string, string | undefined> = {}): ComposeService[] {
  const document = parse(interpolate(readFileSync(path, 'utf8'), env), { merge: true }) as ComposeDocument;
  const included = (document.include ?? []).flatMap((file) => readComposeFile(resolve(dirname(path), file), env));
  const own = Object.entries(document.services).map(([name, service]) => ({
    name,
    ...(service.command ? { command: service.command } : {}),
    ...(service.image ? { image: service.image } : {}),
    environment: Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)])),
    aliases: service.networks?.default?.aliases ?? [],
  }));
  return [...included, ...own];
}

function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '');
}
