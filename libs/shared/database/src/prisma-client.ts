import { type PrismaPg } from '@prisma/adapter-pg';
import { type PrismaPGlite } from 'pglite-prisma-adapter';

/** The driver adapter a domain's client is bound to: PostgreSQL (services) or PGlite (embedded). */
export type DatabaseAdapter = PrismaPg | PrismaPGlite;

/** What the lib needs of a generated Prisma client. */
export interface PrismaClientLike {
  $disconnect(): Promise<void>;
}

/** A generated `PrismaClient` class, or a domain's subclass of it (its DI token). */
export type PrismaClientClass<T extends PrismaClientLike> = new (options: {
  adapter: DatabaseAdapter;
  transactionOptions?: { maxWait?: number; timeout?: number };
  log?: { emit: 'event'; level: 'query' }[];
}) => T;
