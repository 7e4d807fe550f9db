import { Injectable } from '@nestjs/common';
import { DocumentsApi, type ToolCallRequest, type ToolDescription, type ToolOutcome } from '@agent-squad/contracts';
import { documentSearchTool, type BuiltInTool } from './built-in-tools';

/** The tools agents may call, by name: the built-in ones (MCP servers' tools are added here too). */
@Injectable()
export class ToolRegistry {
  private readonly tools: ReadonlyMap<string, BuiltInTool>;

  constructor(documents: DocumentsApi) {
    this.tools = new Map([documentSearchTool(documents)].map((tool) => [tool.description.name, tool]));
  }

  describe(names: readonly string[]): ToolDescription[] {
    return names.flatMap((name) => {
      const tool = this.tools.get(name);
      return tool ? [tool.description] : [];
    });
  }

  async call(request: ToolCallRequest): Promise<ToolOutcome> {
    const tool = this.tools.get(request.name);
    if (!tool) return { content: `Unknown tool "${request.name}"`, isError: true };
    return tool.run(request);
  }
}
