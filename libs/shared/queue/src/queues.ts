import type { Domain } from '@agent-squad/config';
import type { Scheduled } from './job-queue';
import { defineQueue, type QueueContract } from './queue-contract';

const backup = (domain: Domain) => defineQueue<Scheduled>(`${domain}.backup`);

/**
 * Every queue of the platform, each named once here with its payload type (the seed's task
 * categories). Producers and workers import the contract from here; metrics and the ops endpoint
 * report every queue listed.
 */
export const QUEUES = {
  /**
   * Long-running: one execution of a task by its squad. Code generation and analysis are tasks
   * like any other (the squad's roles and tools differ, not the work of the worker).
   */
  executions: defineQueue<{ executionId: string }>('executions'),
  /** Long-running, intelligence: RAG document processing (chunk, embed, index one document). */
  documents: defineQueue<{ documentId: string }>('intelligence.documents'),
  /** Scheduled, intelligence: queues again the documents whose processing job was lost. */
  documentRedispatch: defineQueue<Scheduled>('intelligence.document-redispatch'),
  /** Scheduled, core: deletes finished executions past retention, and expired idempotency records. */
  executionCleanup: defineQueue<Scheduled>('core.execution-cleanup'),
  /** Scheduled, intelligence: rolls LLM calls up per day, provider and model; drops raw calls past retention. */
  llmUsageRollup: defineQueue<Scheduled>('intelligence.llm-usage-rollup'),
  /** Event-driven: an inbound webhook delivery (stored by the integration domain) to act on. */
  webhooks: defineQueue<{ deliveryId: string }>('webhooks'),
  /** Event-driven: a user's notification (an execution finished) to POST to the webhook they registered. */
  notifications: defineQueue<{ deliveryId: string }>('notifications'),
  /** Scheduled, integration: queues again the deliveries whose job was lost. */
  webhookRedelivery: defineQueue<Scheduled>('integration.webhook-redelivery'),
  /** Scheduled, one per domain: the domain exports its own tables. */
  backup: { core: backup('core'), intelligence: backup('intelligence'), integration: backup('integration'), billing: backup('billing') } satisfies Record<
    Domain,
    QueueContract<Scheduled>
  >,
};

export const ALL_QUEUES: readonly QueueContract<unknown>[] = [
  QUEUES.executions,
  QUEUES.documents,
  QUEUES.webhooks,
  QUEUES.notifications,
  QUEUES.executionCleanup,
  QUEUES.llmUsageRollup,
  QUEUES.documentRedispatch,
  QUEUES.webhookRedelivery,
  ...Object.values(QUEUES.backup),
];
