import { runInRequest } from '@agent-squad/observability';
import { withoutTraceCarrier, withTraceCarrier } from './job-trace';

describe('job trace carrier', () => {
  it("carries the adding request's id to the job, and hands the handler the payload as added", () => {
    const stored = runInRequest('req-1', () => withTraceCarrier({ executionId: 'e1' }));

    expect(stored).not.toEqual({ executionId: 'e1' });
    expect(withoutTraceCarrier(stored)).toEqual({ data: { executionId: 'e1' }, carrier: { 'x-request-id': 'req-1' } });
  });

  it('adds nothing outside a request with tracing off, or to a payload that is not an object', () => {
    expect(withTraceCarrier({ executionId: 'e1' })).toEqual({ executionId: 'e1' });
    expect(runInRequest('req-1', () => withTraceCarrier(['a']))).toEqual(['a']);
    expect(withoutTraceCarrier({ executionId: 'e1' })).toEqual({ data: { executionId: 'e1' } });
  });
});
