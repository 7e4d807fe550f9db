import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import { AppError } from '@agent-squad/contracts';
import { z } from 'zod';
import { withLeanArgument } from './lean-reads';

/**
 * Parameter decorators that validate one part of the request with a zod schema (400 with every
 * bad field listed) and describe it in the OpenAPI document, so the docs are generated from the
 * same schema that guards the endpoint.
 */
class ZodPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly root: string,
  ) {}

  transform(value: unknown): unknown {
    const result = this.schema.safeParse(value ?? (this.root === 'body' ? undefined : {}));
    if (result.success) return result.data;
    throw AppError.validation(
      result.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.join('.') : this.root,
        message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
      })),
    );
  }
}

type ParameterDecorator = (target: object, key: string | symbol | undefined, index: number) => void;

function openApi(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function withDocs(validate: ParameterDecorator, document: (method: TypedPropertyDescriptor<unknown>, target: object, key: string | symbol) => void): ParameterDecorator {
  return (target, key, index) => {
    validate(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) document(descriptor, target, key);
  };
}

export function ZodBody(schema: z.ZodType): ParameterDecorator {
  return withDocs(Body(new ZodPipe(schema, 'body')), (descriptor, target, key) => ApiBody({ schema: openApi(schema) })(target, key, descriptor));
}

export function ZodParams(schema: z.ZodObject): ParameterDecorator {
  const pipe = new ZodPipe(schema, 'params');
  return withDocs(withLeanArgument(Param(pipe), (request) => pipe.transform(request.params)), (descriptor, target, key) => {
    for (const name of Object.keys(schema.shape)) ApiParam({ name, schema: { type: 'string', format: 'uuid' } })(target, key, descriptor);
  });
}

export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  const pipe = new ZodPipe(schema, 'query');
  return withDocs(withLeanArgument(Query(pipe), (request) => pipe.transform(request.query)), (descriptor, target, key) => {
    const properties = (openApi(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) ApiQuery({ name, required: false, schema: property })(target, key, descriptor);
  });
}
