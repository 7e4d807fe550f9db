import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, type CreateNotificationHookInput, type NotificationDeliveryInfo, type NotificationHook, type Owned } from '@agent-squad/contracts';
import { IntegrationDb } from '../integration-db';

/** Deliveries listed per hook: enough to see what failed lately, bounded. */
const DELIVERIES_LISTED = 50;

/** The outbound notification webhooks users register, and what was sent to them. */
@Injectable()
export class NotificationHooksService {
  constructor(private readonly db: IntegrationDb) {}

  async create({ ownerId, input }: Owned & { input: CreateNotificationHookInput }): Promise<NotificationHook> {
    const row = await this.db.notificationHook.create({ data: { ownerId, url: input.url, secret: randomBytes(32).toString('hex') } });
    return { id: row.id, url: row.url, secret: row.secret, createdAt: row.createdAt.toISOString() };
  }

  async list({ ownerId }: Owned): Promise<NotificationHook[]> {
    const rows = await this.db.notificationHook.findMany({ where: { ownerId }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({ id: row.id, url: row.url, createdAt: row.createdAt.toISOString() }));
  }

  async delete({ ownerId, hookId }: Owned & { hookId: string }): Promise<null> {
    const { count } = await this.db.notificationHook.deleteMany({ where: { id: hookId, ownerId } });
    if (count === 0) throw AppError.notFound('Notification hook');
    return null;
  }

  async deliveries({ ownerId, hookId }: Owned & { hookId: string }): Promise<NotificationDeliveryInfo[]> {
    const hook = await this.db.notificationHook.findFirst({ where: { id: hookId, ownerId }, select: { id: true } });
    if (!hook) throw AppError.notFound('Notification hook');
    const rows = await this.db.notificationDelivery.findMany({ where: { hookId }, orderBy: { createdAt: 'desc' }, take: DELIVERIES_LISTED });
    return rows.map((row) => ({
      id: row.id,
      event: row.event,
      status: row.status as NotificationDeliveryInfo['status'],
      attempts: row.attempts,
      error: row.error,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
  }
}
