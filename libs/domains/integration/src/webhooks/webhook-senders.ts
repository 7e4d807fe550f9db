import type { IntegrationLink } from '@agent-squad/contracts';
import { githubWebhooks } from './github-webhooks';
import { jiraWebhooks } from './jira-webhooks';
import type { WebhookSender } from './webhook-sender';

export const WEBHOOK_SENDERS: Readonly<Record<IntegrationLink['kind'], WebhookSender>> = { github: githubWebhooks, jira: jiraWebhooks };
