import { z } from 'zod';
import { hmacSha256Matches, trackerTask, type WebhookSender } from './webhook-sender';

const issueOpened = z.object({
  action: z.literal('opened'),
  issue: z.object({ number: z.number(), title: z.string().min(1), body: z.string().nullish(), html_url: z.string() }),
});

/** GitHub: signed in X-Hub-Signature-256; an opened issue becomes a task for the linked squad. */
export const githubWebhooks: WebhookSender = {
  deliveryId: (headers) => headers['x-github-delivery'],
  signedWith: (secret, headers, body) => hmacSha256Matches(headers['x-hub-signature-256'], secret, body),
  event: (headers) => headers['x-github-event'] ?? 'unknown',
  task(event, payload) {
    const opened = event === 'issues' ? issueOpened.safeParse(payload) : undefined;
    if (!opened?.success) return null;
    const { issue } = opened.data;
    return trackerTask(`#${issue.number} ${issue.title}`, [issue.body, issue.html_url]);
  },
};
