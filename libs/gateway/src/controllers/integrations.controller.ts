import { Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { createIntegrationSchema, idParamsSchema, IntegrationApi, type CreateIntegrationInput, type IntegrationLink, type McpServerInfo } from '@agent-squad/contracts';
import { ZodBody, ZodParams } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';

@ApiTags('integrations')
@Controller('v1')
export class IntegrationsController {
  constructor(private readonly integration: IntegrationApi) {}

  @Post('squads/:id/integrations')
  @ApiOperation({ summary: 'Link the squad to a GitHub repository or Jira project' })
  create(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodBody(createIntegrationSchema) input: CreateIntegrationInput): Promise<IntegrationLink> {
    return this.integration.createIntegration({ ownerId, squadId: id, input });
  }

  @Get('mcp/servers')
  @ApiOperation({ summary: 'The MCP servers the operator configured, and their tools' })
  mcpServers(): Promise<McpServerInfo[]> {
    return this.integration.listMcpServers({});
  }
}
