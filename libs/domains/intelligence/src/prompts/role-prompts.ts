import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { AgentRole } from '@agent-squad/contracts';

export interface RolePrompt {
  title: string;
  /** What this role pays attention to, in a few words. */
  focus: string;
  prompt: string;
}

/**
 * Role prompts are markdown files in the repo (`libs/domains/intelligence/prompts/roles`), read
 * once per process and kept in memory: they only change with a deploy.
 */
@Injectable()
export class RolePrompts {
  private prompts?: Map<string, RolePrompt>;

  get(role: AgentRole): RolePrompt {
    this.prompts ??= loadAll(findPromptsDir());
    const prompt = this.prompts.get(role);
    if (!prompt) throw new Error(`No prompt file for role ${role}`);
    return prompt;
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

function loadAll(dir: string): Map<string, RolePrompt> {
  const files = readdirSync(dir).filter((file) => file.endsWith('.md'));
  return new Map(files.map((file) => [file.slice(0, -3), parse(readFileSync(join(dir, file), 'utf8'))]));
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
