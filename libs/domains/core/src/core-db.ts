import { PrismaClient } from './generated/prisma/client';

/** The core domain's Prisma client, as a DI token (bound to core's database by CoreModule). */
export class CoreDb extends PrismaClient {}
export { Prisma } from './generated/prisma/client';
