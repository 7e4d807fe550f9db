import { PrismaClient } from './generated/prisma/client';

/** The integration domain's Prisma client, as a DI token. */
export class IntegrationDb extends PrismaClient {}
export { Prisma } from './generated/prisma/client';
