import { z } from 'zod';
import { AGENT_ROLES } from './roles';

/** Request schemas of the public API: validated at the edge, and the source of the OpenAPI spec. */

const text = (max: number) => z.string().trim().min(1).max(max);

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

export const idParamsSchema = z.object({ id: uuidSchema }).strict();
export const memberParamsSchema = z.object({ id: uuidSchema, memberId: uuidSchema }).strict();
export const documentParamsSchema = z.object({ id: uuidSchema, docId: uuidSchema }).strict();

/** `GET /v1/executions/:id/events`: `deltas=true` adds the unnumbered `delta` events (text as the model writes it). */
export const eventsQuerySchema = z
  .object({ deltas: z.enum(['true', 'false']).default('false').transform((value) => value === 'true') })
  .strict();
export type EventsQuery = z.infer<typeof eventsQuerySchema>;

export const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;

export const signupSchema = z
  .object({
    email: z.email().max(254).transform((email) => email.toLowerCase()),
    password: z.string().min(8).max(200),
    name: text(200),
  })
  .strict();
export type SignupInput = z.infer<typeof signupSchema>;

export const loginSchema = z
  .object({
    email: z.string().max(254).transform((email) => email.trim().toLowerCase()),
    password: z.string().max(200),
  })
  .strict();
export type LoginInput = z.infer<typeof loginSchema>;

export const createApiKeySchema = z.object({ name: text(200) }).strict();
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

const toolName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be a tool name (letters, digits, _ . : -)');

const modelName = z.string().regex(/^[A-Za-z0-9_.:/@-]{1,200}$/, 'must be a model name such as "offline" or "openai:gpt-4o-mini"');

const memberFields = {
  role: z.enum(AGENT_ROLES),
  name: text(200).optional(),
  systemPrompt: z.string().max(20_000).optional(),
  model: modelName.optional(),
  /** Tried once when the model's provider fails; null clears it. */
  fallbackModel: modelName.nullable().optional(),
  tools: z.array(toolName).max(50).optional(),
};

export const createMemberSchema = z.object(memberFields).strict();
export type CreateMemberInput = z.infer<typeof createMemberSchema>;

export const updateMemberSchema = z
  .object({
    role: memberFields.role.optional(),
    name: memberFields.name,
    systemPrompt: memberFields.systemPrompt,
    model: memberFields.model,
    fallbackModel: memberFields.fallbackModel,
    tools: memberFields.tools,
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one field is required' });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const SQUAD_STATUSES = ['active', 'paused', 'archived'] as const;
export type SquadStatus = (typeof SQUAD_STATUSES)[number];

export const createSquadSchema = z
  .object({
    name: text(200),
    description: z.string().max(10_000).optional(),
    members: z.array(createMemberSchema).max(20).default([]),
  })
  .strict();
export type CreateSquadInput = z.infer<typeof createSquadSchema>;

export const updateSquadSchema = z
  .object({
    name: text(200).optional(),
    description: z.string().max(10_000).optional(),
    status: z.enum(SQUAD_STATUSES).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one field is required' });
export type UpdateSquadInput = z.infer<typeof updateSquadSchema>;

export const submitTaskSchema = z
  .object({
    title: text(500),
    description: z.string().trim().min(1).max(100_000),
  })
  .strict();
export type SubmitTaskInput = z.infer<typeof submitTaskSchema>;

export const idempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII');
/** A repeated `Idempotency-Key` gets the first answer back within this window; then the key is free again. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export const createIntegrationSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('github'), target: z.string().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'must be owner/repo'), secret: z.string().min(16).max(200) }).strict(),
    z.object({ kind: z.literal('jira'), target: z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'must be a Jira project key'), secret: z.string().min(16).max(200) }).strict(),
  ]);
export type CreateIntegrationInput = z.infer<typeof createIntegrationSchema>;

export const createDocumentSchema = z
  .object({
    title: text(500),
    /** Plain text or markdown. */
    content: z.string().trim().min(1).max(1_000_000),
    source: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();
export type CreateDocumentInput = z.infer<typeof createDocumentSchema>;

export const searchSchema = z
  .object({
    query: text(2000),
    limit: z.number().int().min(1).max(20).default(5),
  })
  .strict();
export type SearchInput = z.infer<typeof searchSchema>;

/** An outbound notification webhook: an http(s) URL the platform POSTs to when an execution of the user's finishes. */
export const createNotificationHookSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .max(2000),
  })
  .strict();
export type CreateNotificationHookInput = z.infer<typeof createNotificationHookSchema>;
