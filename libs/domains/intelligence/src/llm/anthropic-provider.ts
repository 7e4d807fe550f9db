import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import type { LlmProvider, ProviderCall, ProviderCompletion, ToolCall, Turn } from './llm-provider';
import { malformed } from './provider-errors';
import { ProviderResilience, type ResilienceSettings } from './provider-resilience';
import { parseToolArguments } from './tool-arguments';

export interface AnthropicOptions {
  apiKey: string;
  baseURL?: string;
  resilience: ResilienceSettings;
}

/** Anthropic requires an answer length; an agent's contribution fits well within it. */
const MAX_TOKENS = 4096;

interface PartialToolUse {
  id: string;
  name: string;
  json: string;
}

/** Anthropic's Messages API through the official `@anthropic-ai/sdk` (its retries off: ProviderResilience does them), always streamed. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  readonly offline = false;
  private readonly client: Anthropic;
  private readonly resilience: ProviderResilience;

  constructor(options: AnthropicOptions) {
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.resilience.timeoutMs });
    this.resilience = new ProviderResilience(this.name, options.resilience);
  }

  get breakerState(): ProviderResilience['state'] {
    return this.resilience.state;
  }

  complete(call: ProviderCall): Promise<ProviderCompletion> {
    return this.resilience.execute((signal, streamed) => this.attempt(call, signal, streamed));
  }

  private async attempt(call: ProviderCall, signal: AbortSignal, streamed: () => void): Promise<ProviderCompletion> {
    const stream = await this.client.messages.create(
      {
        model: call.model,
        max_tokens: MAX_TOKENS,
        system: call.prompt.system,
        messages: toMessages(call),
        temperature: call.temperature,
        stream: true,
        ...(call.tools.length > 0 ? { tools: call.tools.map(toTool) } : {}),
      },
      { signal },
    );
    const answer = { content: '', promptTokens: 0, completionTokens: 0, started: false, stopped: false };
    const toolUses = new Map<number, PartialToolUse>();
    for await (const event of stream) {
      this.apply(event, answer, toolUses, (text) => {
        streamed();
        call.onDelta?.(text);
      });
    }
    if (!answer.started || !answer.stopped) throw malformed(this.name, 'the stream ended before `message_stop`');
    const toolCalls = [...toolUses.values()].map((use): ToolCall => ({ id: use.id, name: use.name, arguments: parseToolArguments(this.name, use.json) }));
    return { content: answer.content, toolCalls, usage: { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens } };
  }

  private apply(
    event: RawMessageStreamEvent,
    answer: { content: string; promptTokens: number; completionTokens: number; started: boolean; stopped: boolean },
    toolUses: Map<number, PartialToolUse>,
    onText: (text: string) => void,
  ): void {
    switch (event.type) {
      case 'message_start':
        answer.started = true;
        answer.promptTokens = event.message?.usage?.input_tokens ?? 0;
        answer.completionTokens = event.message?.usage?.output_tokens ?? 0;
        return;
      case 'content_block_start':
        if (event.content_block?.type === 'tool_use') toolUses.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
        return;
      case 'content_block_delta':
        if (event.delta?.type === 'text_delta') {
          answer.content += event.delta.text;
          onText(event.delta.text);
        } else if (event.delta?.type === 'input_json_delta') {
          const use = toolUses.get(event.index);
          if (!use) throw malformed(this.name, 'tool input for a block that is not a tool call');
          use.json += event.delta.partial_json;
        }
        return;
      case 'message_delta':
        answer.completionTokens = event.usage?.output_tokens ?? answer.completionTokens;
        return;
      case 'message_stop':
        answer.stopped = true;
        return;
      case 'content_block_stop':
        return;
      default:
        throw malformed(this.name, `an unknown event "${String((event as { type?: unknown }).type)}"`);
    }
  }
}

/** Tool answers go back as user turns of `tool_result` blocks; consecutive answers share one turn. */
function toMessages(call: ProviderCall): MessageParam[] {
  const messages: MessageParam[] = [{ role: 'user', content: call.prompt.user }];
  for (const turn of call.turns) {
    const message = toMessage(turn);
    const previous = messages.at(-1)!;
    if (turn.kind === 'tool' && previous.role === 'user' && Array.isArray(previous.content)) previous.content.push(...(message.content as Exclude<MessageParam['content'], string>));
    else messages.push(message);
  }
  return messages;
}

function toMessage(turn: Turn): MessageParam {
  if (turn.kind === 'tool') return { role: 'user', content: [{ type: 'tool_result', tool_use_id: turn.callId, content: turn.content }] };
  return {
    role: 'assistant',
    content: [
      ...(turn.content ? [{ type: 'text' as const, text: turn.content }] : []),
      ...turn.toolCalls.map((toolCall) => ({ type: 'tool_use' as const, id: toolCall.id, name: toolCall.name, input: toolCall.arguments })),
    ],
  };
}

function toTool(tool: ProviderCall['tools'][number]): Tool {
  return { name: tool.name, description: tool.description, input_schema: { type: 'object', ...tool.parameters } };
}
