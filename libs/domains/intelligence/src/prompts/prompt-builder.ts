import { Injectable } from '@nestjs/common';
import type { CompletionRequest, PriorOutput } from '@agent-squad/contracts';
import { estimateTokens } from '../llm/tokens';
import { RolePrompts } from './role-prompts';

export interface AssembledPrompt {
  system: string;
  user: string;
  /** The earlier outputs that fitted the budget, oldest first. */
  priorOutputs: PriorOutput[];
}

/** Earlier agents' outputs beyond this many tokens are left out, oldest first. */
const PRIOR_OUTPUT_BUDGET = 6000;

/** Builds what the model sees: role prompt (or the member's own), the task, and earlier agents' work. */
@Injectable()
export class PromptBuilder {
  constructor(private readonly rolePrompts: RolePrompts) {}

  async build(request: CompletionRequest): Promise<AssembledPrompt> {
    const role = await this.rolePrompts.get(request.role);
    const system = [request.systemPrompt ?? role.prompt, `Your name in this squad is ${request.agentName}.`].join('\n\n');
    const priorOutputs = withinBudget(request.priorOutputs, PRIOR_OUTPUT_BUDGET);
    const sections = [`# Task: ${request.task.title}`, request.task.description];
    for (const output of priorOutputs) sections.push(`## ${output.name} (${output.role}) wrote`, output.content);
    sections.push(`Now give your contribution as the ${role.title}.`);
    return { system, user: sections.join('\n\n'), priorOutputs };
  }
}

function withinBudget(outputs: PriorOutput[], budget: number): PriorOutput[] {
  const kept: PriorOutput[] = [];
  let used = 0;
  for (let index = outputs.length - 1; index >= 0; index--) {
    const output = outputs[index]!;
    used += estimateTokens(output.content);
    if (used > budget) break;
    kept.unshift(output);
  }
  return kept;
}
