import { PrismaClient } from './generated/prisma/client';

/** The intelligence domain's Prisma client, as a DI token. */
export class IntelligenceDb extends PrismaClient {}
