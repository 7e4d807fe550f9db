import { type DocumentsApi, type ToolCallRequest, type ToolDescription, type ToolOutcome } from '@agent-squad/contracts';
import { z } from 'zod';

/** A tool the platform itself runs. MCP servers' tools join the same call path. */
export interface BuiltInTool {
  readonly description: ToolDescription;
  run(request: ToolCallRequest): Promise<ToolOutcome>;
}

const documentSearchArgs = z.object({ query: z.string().trim().min(1).max(2000), limit: z.number().int().min(1).max(20).optional() });

/** `document_search`: the squad's documents ranked for a query, each chunk with its id so answers can cite it. */
export function documentSearchTool(documents: DocumentsApi): BuiltInTool {
  return {
    description: {
      name: 'document_search',
      description: "Search the squad's documents. Returns the best matching passages, each with its chunk id.",
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What to look for' }, limit: { type: 'integer', minimum: 1, maximum: 20 } },
        required: ['query'],
      },
    },
    async run({ ownerId, squadId, arguments: args }) {
      const parsed = documentSearchArgs.safeParse(args);
      if (!parsed.success) return { content: `Invalid arguments: ${z.prettifyError(parsed.error)}`, isError: true };
      const { results } = await documents.search({ ownerId, squadId, input: { query: parsed.data.query, limit: parsed.data.limit ?? 5 } });
      if (results.length === 0) return { content: 'No matching passages.', isError: false };
      return { content: results.map((hit) => `[chunk:${hit.chunkId}] ${hit.content}`).join('\n\n'), isError: false };
    },
  };
}
