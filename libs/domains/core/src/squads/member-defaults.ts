import type { AgentRole, CreateMemberInput } from '@agent-squad/contracts';

const ACRONYMS: Record<string, string> = { qa: 'QA', devops: 'DevOps' };

/** "backend_developer" → "Backend Developer": the name an agent gets when none is given. */
export function defaultAgentName(role: AgentRole): string {
  return role
    .split('_')
    .map((word) => ACRONYMS[word] ?? word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

export function memberData(input: CreateMemberInput, position: number, defaultModel: string) {
  return {
    position,
    role: input.role,
    name: input.name ?? defaultAgentName(input.role),
    systemPrompt: input.systemPrompt ?? null,
    model: input.model ?? defaultModel,
    fallbackModel: input.fallbackModel ?? null,
    tools: input.tools ?? [],
  };
}
