import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const rawBodies = new WeakMap<FastifyRequest, string>();

/** Called by the JSON body parser: keeps the body as it arrived, for signatures computed over it. */
export function keepRawBody(request: FastifyRequest, body: string): void {
  rawBodies.set(request, body);
}

/** The JSON request's body exactly as it arrived (what a webhook signature covers); '' without one. */
export const RawBody = createParamDecorator((_data: unknown, context: ExecutionContext): string => rawBodies.get(context.switchToHttp().getRequest<FastifyRequest>()) ?? '');
