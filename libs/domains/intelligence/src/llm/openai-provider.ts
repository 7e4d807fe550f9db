import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmProvider, ProviderCall, ProviderCompletion, ToolCall, Turn } from './llm-provider';
import { malformed } from './provider-errors';
import { ProviderResilience, type ResilienceSettings } from './provider-resilience';
import { parseToolArguments } from './tool-arguments';
import { estimateTokens } from './tokens';

export interface OpenAiCompatibleOptions {
  /** `openai`, `ollama`, ...: the prefix of the member's model. */
  name: string;
  apiKey: string;
  baseURL?: string;
  resilience: ResilienceSettings;
}

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Any server speaking OpenAI's chat completions API (OpenAI, Ollama, vLLM, LM Studio, ...), through
 * the official `openai` SDK with its own retries off (ProviderResilience does them). Answers are
 * always streamed, so agent text reaches clients as it is written.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name: string;
  readonly offline = false;
  private readonly client: OpenAI;
  private readonly resilience: ProviderResilience;

  constructor(options: OpenAiCompatibleOptions) {
    this.name = options.name;
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.resilience.timeoutMs });
    this.resilience = new ProviderResilience(options.name, options.resilience);
  }

  get breakerState(): ProviderResilience['state'] {
    return this.resilience.state;
  }

  complete(call: ProviderCall): Promise<ProviderCompletion> {
    return this.resilience.execute((signal, streamed) => this.attempt(call, signal, streamed));
  }

  private async attempt(call: ProviderCall, signal: AbortSignal, streamed: () => void): Promise<ProviderCompletion> {
    const stream = await this.client.chat.completions.create(
      {
        model: call.model,
        messages: toMessages(call),
        temperature: call.temperature,
        stream: true,
        stream_options: { include_usage: true },
        ...(call.tools.length > 0 ? { tools: call.tools.map(toTool) } : {}),
      },
      { signal },
    );
    let content = '';
    let usage: ChatCompletionChunk['usage'];
    let sawChoice = false;
    const partials: PartialToolCall[] = [];
    for await (const chunk of stream) {
      if (!Array.isArray(chunk.choices)) throw malformed(this.name, 'a chunk without `choices`');
      usage = chunk.usage ?? usage;
      const delta = chunk.choices[0]?.delta;
      if (!delta) continue;
      sawChoice = true;
      if (typeof delta.content === 'string' && delta.content.length > 0) {
        content += delta.content;
        streamed();
        call.onDelta?.(delta.content);
      }
      for (const piece of delta.tool_calls ?? []) {
        const partial = (partials[piece.index] ??= { id: '', name: '', arguments: '' });
        partial.id ||= piece.id ?? '';
        partial.name += piece.function?.name ?? '';
        partial.arguments += piece.function?.arguments ?? '';
      }
    }
    if (!sawChoice) throw malformed(this.name, 'the stream ended without an answer');
    const toolCalls = partials.map((partial, index): ToolCall => {
      if (!partial.name) throw malformed(this.name, 'a tool call without a name');
      return { id: partial.id || `call_${index}`, name: partial.name, arguments: parseToolArguments(this.name, partial.arguments) };
    });
    return {
      content,
      toolCalls,
      usage: {
        promptTokens: usage?.prompt_tokens ?? estimateTokens(call.prompt.system + call.prompt.user),
        completionTokens: usage?.completion_tokens ?? estimateTokens(content),
      },
    };
  }
}

function toMessages(call: ProviderCall): ChatCompletionMessageParam[] {
  return [{ role: 'system', content: call.prompt.system }, { role: 'user', content: call.prompt.user }, ...call.turns.map(toMessage)];
}

function toMessage(turn: Turn): ChatCompletionMessageParam {
  if (turn.kind === 'tool') return { role: 'tool', tool_call_id: turn.callId, content: turn.content };
  return {
    role: 'assistant',
    content: turn.content || null,
    ...(turn.toolCalls.length > 0
      ? { tool_calls: turn.toolCalls.map((toolCall) => ({ id: toolCall.id, type: 'function' as const, function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) } })) }
      : {}),
  };
}

function toTool(tool: ProviderCall['tools'][number]): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}
