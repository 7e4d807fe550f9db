import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DurableEventContract } from '@agent-squad/contracts';
import type { Prisma } from '../core-db';

/** Writes a durable event in the caller's transaction: it exists exactly when its cause does. */
@Injectable()
export class Outbox {
  async record<T>(tx: Prisma.TransactionClient, contract: DurableEventContract<T>, payload: T): Promise<void> {
    await tx.outboxEvent.create({ data: { id: randomUUID(), subject: contract.subject, payload: payload as Prisma.InputJsonObject } });
  }
}
