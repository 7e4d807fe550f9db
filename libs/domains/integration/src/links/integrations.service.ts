import { Injectable } from '@nestjs/common';
import {
  AppError,
  IntegrationApi,
  SquadsApi,
  type CreateIntegrationInput,
  type CreateNotificationHookInput,
  type InboundWebhook,
  type IntegrationLink,
  type McpServerInfo,
  type NotificationDeliveryInfo,
  type NotificationHook,
  type Owned,
  type ToolCallRequest,
  type ToolDescription,
  type ToolOutcome,
  type WebhookReceipt,
} from '@agent-squad/contracts';
import { isUniqueViolation } from '@agent-squad/database';
import { IntegrationDb } from '../integration-db';
import { NotificationHooksService } from '../notifications/notification-hooks.service';
import { ToolRegistry } from '../tools/tool-registry';
import { WebhookIntake } from '../webhooks/webhook-intake';

/** Links squads to GitHub repositories and Jira projects and receives their webhooks; users' notification hooks; lists the operator's MCP servers and runs the tools agents call. */
@Injectable()
export class IntegrationsService implements IntegrationApi {
  constructor(
    private readonly db: IntegrationDb,
    private readonly squads: SquadsApi,
    private readonly webhooks: WebhookIntake,
    private readonly tools: ToolRegistry,
    private readonly notifications: NotificationHooksService,
  ) {}

  async describeTools({ names }: { names: string[] }): Promise<ToolDescription[]> {
    return this.tools.describe(names);
  }

  callTool(request: ToolCallRequest): Promise<ToolOutcome> {
    return this.tools.call(request);
  }

  async listMcpServers(): Promise<McpServerInfo[]> {
    return [];
  }

  async createIntegration({ ownerId, squadId, input }: Owned & { squadId: string; input: CreateIntegrationInput }): Promise<IntegrationLink> {
    await this.squads.get({ ownerId, squadId });
    try {
      const row = await this.db.integration.create({ data: { ownerId, squadId, kind: input.kind, target: input.target, secret: input.secret } });
      return { id: row.id, kind: row.kind as IntegrationLink['kind'], target: row.target };
    } catch (error) {
      if (isUniqueViolation(error)) throw AppError.conflict(`${input.target} is already linked to a squad`);
      throw error;
    }
  }

  receiveWebhook(request: InboundWebhook): Promise<WebhookReceipt> {
    return this.webhooks.receive(request);
  }

  createNotificationHook(request: Owned & { input: CreateNotificationHookInput }): Promise<NotificationHook> {
    return this.notifications.create(request);
  }

  listNotificationHooks(request: Owned): Promise<NotificationHook[]> {
    return this.notifications.list(request);
  }

  deleteNotificationHook(request: Owned & { hookId: string }): Promise<null> {
    return this.notifications.delete(request);
  }

  listNotificationDeliveries(request: Owned & { hookId: string }): Promise<NotificationDeliveryInfo[]> {
    return this.notifications.deliveries(request);
  }
}
