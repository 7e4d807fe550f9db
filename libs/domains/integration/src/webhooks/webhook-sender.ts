import { createHmac, timingSafeEqual } from 'node:crypto';
import { submitTaskSchema, type SubmitTaskInput } from '@agent-squad/contracts';

export type WebhookHeaders = Readonly<Record<string, string>>;

/** What the platform knows of one tracker's webhooks: how they are identified, signed, and which events start work. */
export interface WebhookSender {
  /** The sender's id of the delivery, the same when it sends it again. */
  deliveryId(headers: WebhookHeaders): string | undefined;
  /** Whether the raw body was signed with the integration's secret. */
  signedWith(secret: string, headers: WebhookHeaders, body: string): boolean;
  event(headers: WebhookHeaders, payload: unknown): string;
  /** The task the event asks of the squad, or null when it starts no work. */
  task(event: string, payload: unknown): SubmitTaskInput | null;
}

/** A `sha256=<hex HMAC-SHA256 of the body>` signature, compared in constant time. */
export function hmacSha256Matches(signature: string | undefined, secret: string, body: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const TITLE_MAX = 500;
const DESCRIPTION_MAX = 100_000;

/** A task from a tracker's item: its title, and the non-empty parts of its text, bounded as the API bounds them. */
export function trackerTask(title: string, parts: readonly unknown[]): SubmitTaskInput {
  const description = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n\n');
  return submitTaskSchema.parse({ title: title.trim().slice(0, TITLE_MAX), description: description.slice(0, DESCRIPTION_MAX) });
}
