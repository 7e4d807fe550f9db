import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Cache, CacheKeys } from '@agent-squad/cache';
import type { AgentRole } from '@agent-squad/contracts';

export interface RolePrompt {
  title: string;
  /** What this role pays attention to, in a few words. */
  focus: string;
  prompt: string;
}

/**
 * Role prompts are markdown files in the repo (`libs/domains/intelligence/prompts/roles`): they
 * only change with a deploy, so each is read once and kept in this process's memory for a day
 * (the `rolePrompt` cache policy: L1 only).
 */
@Injectable()
export class RolePrompts {
  private dir?: string;

  constructor(private readonly cache: Cache) {}

  get(role: AgentRole): Promise<RolePrompt> {
    return this.cache.getOrLoad(CacheKeys.rolePrompt(role), () => this.load(role));
  }

  private async load(role: AgentRole): Promise<RolePrompt> {
    this.dir ??= findPromptsDir();
    const text = await readFile(join(this.dir, `${role}.md`), 'utf8').catch(() => {
      throw new Error(`No prompt file for role ${role}`);
    });
    return parse(text);
  }
}

const PROMPTS_DIR = join('libs', 'domains', 'intelligence', 'prompts', 'roles');

/** Walks up from this file to the repo root, so it works from sources and from the dist build. */
function findPromptsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, PROMPTS_DIR);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`Role prompts folder ${PROMPTS_DIR} not found above ${__dirname}`);
  }
}

/** A file is `---` front matter (`key: value` lines) `---`, then the prompt. */
function parse(text: string): RolePrompt {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error('Role prompt file lacks front matter');
  const fields = Object.fromEntries(
    match[1]!.split('\n').map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    }),
  );
  return { title: fields['title'] ?? '', focus: fields['focus'] ?? '', prompt: match[2]!.trim() };
}
