import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'agent-squad:public';

/** Marks a controller or handler as open to unauthenticated callers. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);
