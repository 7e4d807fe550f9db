import { type SubmittedTask } from '@agent-squad/contracts';
import { finished } from '../support/executions';
import { expectStatus } from '../support/http';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

type Hop = [service: string, kind: number, name: string];
const REQUEST = 'HTTP POST /v1/squads/:id/tasks';
/** The hops of one task, in order: process, span kind and name. */
const HOPS: Hop[] = [
  ['agent-squad-gateway', SERVER, REQUEST],
  ['agent-squad-gateway', CLIENT, 'rpc core.tasks.submit'],
  ['agent-squad-core', SERVER, 'rpc core.tasks.submit'],
  ['agent-squad-worker', CONSUMER, 'job executions'],
  ['agent-squad-worker', CLIENT, 'rpc intelligence.complete'],
  ['agent-squad-intelligence', SERVER, 'rpc intelligence.complete'],
  ['agent-squad-intelligence', CLIENT, 'llm offline'],
];

/** Observability: one task is one trace, from the gateway through NATS and the worker to the LLM call. */
describe('tracing across the split shape', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    stack = await Stack.start('services', { gateways: 1, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('exports one trace whose spans cover gateway → bus → worker → intelligence → LLM call', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const response = await session.api.post<SubmittedTask>(`/v1/squads/${squad.id}/tasks`, { title: 'Trace me', description: 'One task, one trace' });
    expectStatus(response, 202);
    expect((await finished(session, response.body.execution.id)).status).toBe('completed');

    // The response names the trace (W3C traceparent: version-traceid-spanid-flags).
    const traceId = response.headers.get('traceparent')!.split('-')[1]!;
    const inTrace = (spans: ReceivedSpan[]) => spans.filter((span) => span.traceId === traceId);
    const has = (spans: ReceivedSpan[], [service, kind, name]: Hop) => spans.some((span) => span.service === service && span.kind === kind && span.name === name);
    // A span is exported when it ends: the job's (and the request's) end after the LLM call's.
    const spans = inTrace(await receiver.waitFor(`every hop in trace ${traceId}`, (all) => HOPS.every((hop) => has(inTrace(all), hop))));
    for (const hop of HOPS) expect([hop, has(spans, hop)]).toEqual([hop, true]);

    // One tree: a single root (the gateway's request), every other span's parent in the trace.
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => !span.parentSpanId);
    expect(roots.map((span) => span.name)).toEqual([REQUEST]);
    expect(spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId))).toEqual([]);

    // The LLM call descends from the job, the job from the request: follow the parents up.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestry = (span: ReceivedSpan): string[] => (span.parentSpanId ? [span.name, ...ancestry(byId.get(span.parentSpanId)!)] : [span.name]);
    const llm = spans.find((span) => span.name === 'llm offline')!;
    expect(ancestry(llm)).toEqual(expect.arrayContaining(['rpc intelligence.complete', 'job executions', 'rpc core.tasks.submit', REQUEST]));
  });
});
