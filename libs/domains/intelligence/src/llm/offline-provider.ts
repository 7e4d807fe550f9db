import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode, type CompletionRequest } from '@agent-squad/contracts';
import type { AssembledPrompt } from '../prompts/prompt-builder';
import { RolePrompts } from '../prompts/role-prompts';
import type { LlmProvider, ProviderCall, ProviderCompletion } from './llm-provider';
import { estimateTokens } from './tokens';

const LATENCY_MODEL = /^(?:offline|(\d{1,6})ms)$/;
/** The answer streams in this many pieces, spread over the simulated latency. */
const PIECES = 8;
const STOP_WORDS = new Set(['about', 'after', 'their', 'there', 'these', 'which', 'would', 'should', 'could', 'other', 'where', 'while', 'with', 'from', 'into', 'that', 'this', 'then', 'than', 'have', 'will']);

/**
 * The provider used when no model vendor is configured: no network, deterministic, and labelled
 * `[offline]` in every answer. Its text follows the role, the task and the earlier agents' work,
 * so the whole flow can be run and tested anywhere. Model `offline:<n>ms` simulates n ms of
 * latency per call (for load tests); otherwise OFFLINE_LLM_LATENCY_MS applies. The answer is
 * streamed in pieces spread over that latency, as a real model's would be. It never calls tools.
 */
@Injectable()
export class OfflineProvider implements LlmProvider {
  readonly name = 'offline';
  readonly offline = true;

  constructor(
    private readonly rolePrompts: RolePrompts,
    private readonly config: AppConfig,
  ) {}

  async complete({ model, prompt, request, onDelta }: ProviderCall): Promise<ProviderCompletion> {
    const latency = LATENCY_MODEL.exec(model);
    if (!latency) throw new AppError(ErrorCode.BadRequest, `Unknown offline model "${model}"; use "offline" or "offline:<n>ms"`);
    const delayMs = latency[1] ? Number(latency[1]) : this.config.env.OFFLINE_LLM_LATENCY_MS;
    const content = await this.compose(prompt, request);
    const size = Math.ceil(content.length / PIECES);
    for (let at = 0; at < content.length; at += size) {
      if (delayMs > 0) await sleep(delayMs / PIECES);
      onDelta?.(content.slice(at, at + size));
    }
    return { content, toolCalls: [], usage: { promptTokens: estimateTokens(prompt.system) + estimateTokens(prompt.user), completionTokens: estimateTokens(content) } };
  }

  private async compose(prompt: AssembledPrompt, request: CompletionRequest): Promise<string> {
    const role = await this.rolePrompts.get(request.role);
    const lines = [`[offline] ${request.agentName} (${request.role}) on "${request.task.title}"`, '', `Focus: ${role.focus}.`];
    if (prompt.priorOutputs.length > 0) {
      lines.push(`Building on: ${prompt.priorOutputs.map((output) => `${output.name} (${output.role})`).join(', ')}.`);
    }
    const topics = keyTopics(`${request.task.title} ${request.task.description}`);
    lines.push('', `1. Outline the ${role.focus} for ${topics.join(', ') || request.task.title}.`);
    topics.forEach((topic, index) => lines.push(`${index + 2}. Cover "${topic}" from the ${role.title} side and state how it is verified.`));
    return lines.join('\n');
  }
}

/** The task's most frequent longer words, in first-seen order on ties: a stable stand-in for understanding. */
function keyTopics(text: string, count = 3): string[] {
  const frequency = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z][a-z0-9-]{3,}/g) ?? []) {
    if (!STOP_WORDS.has(word)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  return [...frequency.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([word]) => word);
}
