import { Injectable } from '@nestjs/common';
import type { Citation, CompletionRequest, PriorOutput, SearchHit } from '@agent-squad/contracts';
import { estimateTokens } from '../llm/tokens';
import { RolePrompts } from './role-prompts';

export interface AssembledPrompt {
  system: string;
  user: string;
  /** The earlier outputs that fitted the budget, oldest first. */
  priorOutputs: PriorOutput[];
  /** The document chunks given as context, best first. */
  citations: Citation[];
}

/** Earlier agents' outputs beyond this many tokens are left out, oldest first. */
const PRIOR_OUTPUT_BUDGET = 6000;
/** Retrieved chunks beyond this many tokens are left out, weakest first. */
const CONTEXT_BUDGET = 2000;

/** Builds what the model sees: role prompt (or the member's own), the task, earlier agents' work, and retrieved document chunks with their ids. */
@Injectable()
export class PromptBuilder {
  constructor(private readonly rolePrompts: RolePrompts) {}

  async build(request: CompletionRequest, chunks: readonly SearchHit[] = []): Promise<AssembledPrompt> {
    const role = await this.rolePrompts.get(request.role);
    const system = [request.systemPrompt ?? role.prompt, `Your name in this squad is ${request.agentName}.`].join('\n\n');
    const priorOutputs = withinBudget(request.priorOutputs, PRIOR_OUTPUT_BUDGET);
    const context = chunksWithinBudget(chunks, CONTEXT_BUDGET);
    const sections = [`# Task: ${request.task.title}`, request.task.description];
    if (context.length > 0) {
      sections.push("## From the squad's documents (cite a passage by its [chunk:id] when you use it)", ...context.map((chunk) => `[chunk:${chunk.chunkId}]\n${chunk.content}`));
    }
    for (const output of priorOutputs) sections.push(`## ${output.name} (${output.role}) wrote`, output.content);
    sections.push(`Now give your contribution as the ${role.title}.`);
    const citations = context.map((chunk) => ({ documentId: chunk.documentId, chunkId: chunk.chunkId }));
    return { system, user: sections.join('\n\n'), priorOutputs, citations };
  }
}

function chunksWithinBudget(chunks: readonly SearchHit[], budget: number): SearchHit[] {
  let used = 0;
  return chunks.filter((chunk) => (used += estimateTokens(chunk.content)) <= budget);
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
