import type { CreateIntegrationInput, CreateNotificationHookInput, IntegrationLink, McpServerInfo, NotificationDeliveryInfo, NotificationHook, WebhookReceipt } from '../api';
import type { Owned } from './core';
import { defineService } from './service-contract';

/** An inbound webhook call as it arrived: the sender's `x-*` headers (lower-case) and the raw body its signature covers. */
export interface InboundWebhook {
  integrationId: string;
  headers: Record<string, string>;
  body: string;
}

/** A tool as offered to a model: its arguments as a JSON Schema object. */
export interface ToolDescription {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCallRequest extends Owned {
  squadId: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What a tool answered; `isError` when it refused or failed (the model sees the message and may try otherwise). */
export interface ToolOutcome {
  content: string;
  isError: boolean;
}

export abstract class IntegrationApi {
  /** The tools among `names` that this platform can run (unknown names are left out). */
  abstract describeTools(request: { names: string[] }): Promise<ToolDescription[]>;
  abstract callTool(request: ToolCallRequest): Promise<ToolOutcome>;
  abstract listMcpServers(request: Record<string, never>): Promise<McpServerInfo[]>;
  abstract createIntegration(request: Owned & { squadId: string; input: CreateIntegrationInput }): Promise<IntegrationLink>;
  /** Checks the signature with the integration's secret, stores the delivery and queues its work; answers before any work is done. */
  abstract receiveWebhook(request: InboundWebhook): Promise<WebhookReceipt>;
  abstract createNotificationHook(request: Owned & { input: CreateNotificationHookInput }): Promise<NotificationHook>;
  abstract listNotificationHooks(request: Owned): Promise<NotificationHook[]>;
  abstract deleteNotificationHook(request: Owned & { hookId: string }): Promise<null>;
  /** The hook's newest deliveries (at most 50), newest first. */
  abstract listNotificationDeliveries(request: Owned & { hookId: string }): Promise<NotificationDeliveryInfo[]>;
}
export const INTEGRATION_SERVICE = defineService(IntegrationApi, 'integration', {
  describeTools: true,
  callTool: true,
  listMcpServers: true,
  createIntegration: true,
  receiveWebhook: true,
  createNotificationHook: true,
  listNotificationHooks: true,
  deleteNotificationHook: true,
  listNotificationDeliveries: true,
});
