import type { CreateIntegrationInput, IntegrationLink, McpServerInfo } from '../api';
import type { Owned } from './core';
import { defineService } from './service-contract';

export abstract class IntegrationApi {
  abstract listMcpServers(request: Record<string, never>): Promise<McpServerInfo[]>;
  abstract createIntegration(request: Owned & { squadId: string; input: CreateIntegrationInput }): Promise<IntegrationLink>;
}
export const INTEGRATION_SERVICE = defineService(IntegrationApi, 'integration', { listMcpServers: true, createIntegration: true });
