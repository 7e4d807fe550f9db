import { ALL_QUEUES, type QueueReport, type QueuesReport } from '@agent-squad/queue';
import { runTask } from '../support/executions';
import { expectStatus } from '../support/http';
import { expectProblem } from '../support/problem';
import { anonymous, signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { OPS_TOKEN } from '../support/stack/stack';

describe('ops: queues', () => {
  it('answers only with the ops token', async () => {
    expectProblem(await anonymous.get('/ops/queues'), 401);
    expectProblem(await anonymous.get('/ops/queues', { token: `${OPS_TOKEN}-not` }), 401);
    const session = await signUp();
    expectProblem(await session.api.get('/ops/queues'), 401);
  });

  it('lists every queue with its counts, its oldest waiting job and its last failed jobs', async () => {
    const response = await anonymous.get<QueuesReport>('/ops/queues', { token: OPS_TOKEN });

    expectStatus(response, 200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(['inline', 'bullmq']).toContain(response.body.driver);
    expect(response.body.queues.map((queue) => queue.name)).toEqual(ALL_QUEUES.map((queue) => queue.name));
    for (const queue of response.body.queues) {
      expect(queue).toEqual<QueueReport>({
        name: queue.name,
        waiting: expect.any(Number),
        active: expect.any(Number),
        delayed: expect.any(Number),
        failed: expect.any(Number),
        oldestWaitingSeconds: expect.any(Number),
        lastFailed: expect.any(Array),
      });
    }
  });

  it('exports the depth per state and the oldest waiting age of every queue on /metrics', async () => {
    const session = await signUp();
    await runTask(session, (await createSquad(session, 1)).id);

    const metrics = (await anonymous.get<string>('/metrics')).body;
    for (const { name } of ALL_QUEUES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(metrics).toMatch(new RegExp(`^queue_jobs\\{queue="${name}",state="${state}"\\} \\d+$`, 'm'));
      expect(metrics).toMatch(new RegExp(`^queue_oldest_waiting_age_seconds\\{queue="${name}"\\} [\\d.e+-]+$`, 'm'));
    }
  });
});
