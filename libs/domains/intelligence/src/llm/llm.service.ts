import { Injectable, Logger } from '@nestjs/common';
import { Cache, CacheKeys } from '@agent-squad/cache';
import { AppConfig } from '@agent-squad/config';
import {
  IntegrationApi,
  IntelligenceApi,
  type CompletionRequest,
  type CompletionResult,
  type SearchHit,
  type ToolCallRecord,
  type ToolDescription,
} from '@agent-squad/contracts';
import { PromptBuilder, type AssembledPrompt } from '../prompts/prompt-builder';
import { Retriever } from '../retrieval/retriever';
import { CallLedger } from './call-ledger';
import { DeltaPublisher } from './delta-publisher';
import { parseModelRef, type ToolCall, type Turn } from './llm-provider';
import { ProviderError } from './provider-errors';
import { ProviderRegistry } from './provider-registry';
import { ResponseCache } from './response-cache';

/** Model turns that may call tools; the turn after them is offered none, so the step ends with an answer. */
const MAX_TOOL_ROUNDS = 4;
/** Chunks retrieved from the squad's documents for each step. */
const CONTEXT_CHUNKS = 5;

interface StepContext {
  request: CompletionRequest;
  prompt: AssembledPrompt;
  tools: ToolDescription[];
  temperature: number;
  onDelta?: (text: string) => void;
}

/**
 * Completions for agent steps: assembles the prompt (with the squad's documents retrieved for the
 * task), calls the member's model, runs the tools it calls through the integration domain, and
 * accounts every call. When the model's provider fails, the member's fallback model gets one try.
 */
@Injectable()
export class LlmService implements IntelligenceApi {
  private readonly logger = new Logger(LlmService.name);
  private readonly defaultProvider: string;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly prompts: PromptBuilder,
    private readonly retriever: Retriever,
    private readonly integration: IntegrationApi,
    private readonly cache: ResponseCache,
    private readonly ledger: CallLedger,
    private readonly deltas: DeltaPublisher,
    private readonly config: AppConfig,
    private readonly contexts: Cache,
  ) {
    this.defaultProvider = parseModelRef(config.env.DEFAULT_MODEL, 'offline').provider;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const [chunks, tools] = await Promise.all([this.context(request), request.tools?.length ? this.integration.describeTools({ names: request.tools }) : []]);
    const deltas = this.deltas.forRequest(request);
    const step: StepContext = {
      request,
      prompt: await this.prompts.build(request, chunks),
      tools,
      temperature: request.temperature ?? this.config.env.LLM_TEMPERATURE,
      onDelta: deltas && ((text) => deltas.write(text)),
    };
    try {
      return await this.run(request.model, step);
    } catch (error) {
      if (!request.fallbackModel || !(error instanceof ProviderError)) throw error;
      this.logger.warn(`${request.model} failed (${error.message}); trying the fallback model ${request.fallbackModel}`);
      return await this.run(request.fallbackModel, step);
    } finally {
      deltas?.end();
    }
  }

  /** The squad's chunks for the task, retrieved once per execution (the `executionContext` cache policy). */
  private context(request: CompletionRequest): Promise<readonly SearchHit[]> {
    const { squadId, executionId } = request;
    if (!squadId) return Promise.resolve([]);
    const search = () => this.retriever.search(squadId, `${request.task.title}\n${request.task.description}`, CONTEXT_CHUNKS);
    return executionId ? this.contexts.getOrLoad(CacheKeys.executionContext(executionId), search) : search();
  }

  private async run(model: string, step: StepContext): Promise<CompletionResult> {
    const started = performance.now();
    const ref = parseModelRef(model, this.defaultProvider);
    const provider = this.providers.get(ref.provider);
    const turns: Turn[] = [];
    const toolCalls: ToolCallRecord[] = [];
    const usage = { promptTokens: 0, completionTokens: 0 };
    let costUsd = 0;
    for (let round = 0; ; round++) {
      const call = { model: ref.model, prompt: step.prompt, request: step.request, turns: [...turns], tools: round < MAX_TOOL_ROUNDS ? step.tools : [], temperature: step.temperature, onDelta: step.onDelta };
      const { completion, hit } = await this.cache.through(provider, call, () => this.ledger.measure(provider, ref.model, step.request.executionId, () => provider.complete(call)));
      if (!hit) {
        usage.promptTokens += completion.usage.promptTokens;
        usage.completionTokens += completion.usage.completionTokens;
        costUsd += completion.costUsd;
      }
      if (completion.toolCalls.length === 0 || call.tools.length === 0) {
        const latencyMs = Math.round(performance.now() - started);
        return { content: completion.content, provider: provider.name, model: ref.model, offline: provider.offline, usage, latencyMs, citations: step.prompt.citations, toolCalls, costUsd };
      }
      turns.push({ kind: 'assistant', content: completion.content, toolCalls: completion.toolCalls });
      for (const toolCall of completion.toolCalls) {
        const record = await this.runTool(step.request, toolCall);
        toolCalls.push(record);
        turns.push({ kind: 'tool', callId: toolCall.id, content: record.result });
      }
    }
  }

  private async runTool(request: CompletionRequest, toolCall: ToolCall): Promise<ToolCallRecord> {
    const base = { name: toolCall.name, arguments: toolCall.arguments };
    if (!request.tools?.includes(toolCall.name)) return { ...base, result: `The tool "${toolCall.name}" is not allowed for this agent`, isError: true };
    if (!request.ownerId || !request.squadId) return { ...base, result: 'Tools are available only within a squad', isError: true };
    const outcome = await this.integration.callTool({ ownerId: request.ownerId, squadId: request.squadId, name: toolCall.name, arguments: toolCall.arguments });
    return { ...base, result: outcome.content, isError: outcome.isError };
  }
}
