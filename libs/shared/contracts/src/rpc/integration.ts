import type { CreateIntegrationInput, IntegrationLink, McpServerInfo, WebhookReceipt } from '../api';
import type { Owned } from './core';
import { defineService } from './service-contract';

/** An inbound webhook call as it arrived: the sender's `x-*` headers (lower-case) and the raw body its signature covers. */
export interface InboundWebhook {
  integrationId: string;
  headers: Record<string, string>;
  body: string;
}

export abstract class IntegrationApi {
  abstract listMcpServers(request: Record<string, never>): Promise<McpServerInfo[]>;
  abstract createIntegration(request: Owned & { squadId: string; input: CreateIntegrationInput }): Promise<IntegrationLink>;
  /** Checks the signature with the integration's secret, stores the delivery and queues its work; answers before any work is done. */
  abstract receiveWebhook(request: InboundWebhook): Promise<WebhookReceipt>;
}
export const INTEGRATION_SERVICE = defineService(IntegrationApi, 'integration', { listMcpServers: true, createIntegration: true, receiveWebhook: true });
