import { PrismaClient } from './generated/prisma/client';

/** The billing domain's Prisma client, as a DI token. */
export class BillingDb extends PrismaClient {}
