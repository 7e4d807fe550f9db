import { z } from 'zod';
import { hmacSha256Matches, trackerTask, type WebhookSender } from './webhook-sender';

const issueCreated = z.object({
  webhookEvent: z.literal('jira:issue_created'),
  issue: z.object({ key: z.string(), fields: z.object({ summary: z.string().min(1), description: z.unknown().optional() }) }),
});
const named = z.object({ webhookEvent: z.string() });

/** Jira: signed in X-Hub-Signature (webhooks registered with a secret); a created issue becomes a task for the linked squad. */
export const jiraWebhooks: WebhookSender = {
  deliveryId: (headers) => headers['x-atlassian-webhook-identifier'],
  signedWith: (secret, headers, body) => hmacSha256Matches(headers['x-hub-signature'], secret, body),
  event: (_headers, payload) => named.safeParse(payload).data?.webhookEvent ?? 'unknown',
  task(_event, payload) {
    const created = issueCreated.safeParse(payload);
    if (!created.success) return null;
    const { key, fields } = created.data.issue;
    // A description in Atlassian Document Format (an object) is left out: the summary and key still say what to do.
    return trackerTask(`${key} ${fields.summary}`, [fields.description, `Jira issue ${key}`]);
  },
};
