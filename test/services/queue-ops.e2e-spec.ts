import { QUEUES, type QueuesReport } from '@agent-squad/queue';
import { runTask } from '../support/executions';
import { Api, expectStatus } from '../support/http';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { OPS_TOKEN, Stack } from '../support/stack/stack';

/** The line of a series in a Prometheus text exposition, or undefined. */
const series = (metrics: string, name: string) => metrics.split('\n').find((line) => line.startsWith(`${name} `));

/** Queue visibility in the split shape: every process reports the deployment's queues from Redis; each reports the jobs it runs itself. */
describe('queue metrics and ops endpoint across services', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1 });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it('serves GET /ops/queues on every process, all with the same view of the queues', async () => {
    const session = await signUp();
    await runTask(session, (await createSquad(session, 2)).id);

    const reports = await Promise.all(
      [...stack.services.values()].map(async (service) => {
        const response = await new Api(OPS_TOKEN, service.url).get<QueuesReport>('/ops/queues');
        expectStatus(response, 200);
        return response.body;
      }),
    );
    expect(reports.map((report) => report.driver)).toEqual(reports.map(() => 'bullmq'));
    const scheduled = (report: QueuesReport) => report.queues.find((queue) => queue.name === QUEUES.executionCleanup.name)!;
    // The hourly clean-up's next run waits in Redis as a delayed job, whichever process is asked.
    for (const report of reports) expect(scheduled(report)).toMatchObject({ delayed: 1, failed: 0 });
  });

  it('exports job durations and worker utilisation where jobs run, and the queue depth everywhere', async () => {
    const metrics = async (name: string) => (await new Api(undefined, stack.service(name).url).get<string>('/metrics')).body;
    const worker = await metrics('worker');
    expect(series(worker, 'queue_job_duration_seconds_count{queue="executions",outcome="completed"}')).toMatch(/ [1-9]\d*$/);
    expect(series(worker, 'queue_worker_concurrency{queue="executions"}')).toBe('queue_worker_concurrency{queue="executions"} 100');
    expect(series(worker, 'queue_worker_utilisation{queue="executions"}')).toBeDefined();

    const core = await metrics('core');
    expect(series(core, 'queue_worker_concurrency{queue="core.execution-cleanup"}')).toBe('queue_worker_concurrency{queue="core.execution-cleanup"} 1');
    expect(series(core, 'queue_worker_concurrency{queue="executions"}')).toBeUndefined();

    for (const name of stack.services.keys()) expect(series(await metrics(name), 'queue_jobs{queue="executions",state="waiting"}')).toMatch(/ \d+$/);
  });
});
