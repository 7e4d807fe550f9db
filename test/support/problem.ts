import { type FieldError } from '@agent-squad/contracts';
import { expectStatus, type HttpResponse } from './http';

/** An RFC 9457 problem document as the API answers every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/**
 * Asserts an error answer: the status, `application/problem+json`, the problem fields, and (when
 * `field` is given) that `errors` names that field.
 */
export function expectProblem(response: HttpResponse<unknown>, status: number, field?: string): Problem {
  expectStatus(response, status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = response.body as Problem;
  expect(problem).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }),
  );
  if (problem.errors !== undefined) {
    for (const error of problem.errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
  if (field !== undefined) {
    const fields = (problem.errors ?? []).map((error) => error.field);
    if (!fields.includes(field)) throw new Error(`${response.method} ${response.path}: expected errors to name "${field}", got ${response.text}`);
  }
  return problem;
}
