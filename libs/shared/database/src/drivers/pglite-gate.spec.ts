import { runInRequest } from '@agent-squad/observability';
import { PgliteGate } from './pglite-gate';

/** A statement that runs until released, recording when it started. */
function statement(order: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { release, work: () => (order.push(name), done) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PgliteGate', () => {
  it('runs one statement at a time, a request\'s ahead of waiting background ones', async () => {
    const gate = new PgliteGate();
    const order: string[] = [];
    const first = statement(order, 'background 1');
    const running = [gate.run(first.work)];
    const waiting = ['background 2', 'background 3'].map((name) => statement(order, name));
    for (const { work } of waiting) running.push(gate.run(work));
    const request = statement(order, 'request');
    running.push(runInRequest('req-1', () => gate.run(request.work)));
    await settle();
    expect(order).toEqual(['background 1']);

    first.release();
    await settle();
    expect(order).toEqual(['background 1', 'request']);
    request.release();
    for (const { release } of waiting) release();
    await Promise.all(running);
    expect(order).toEqual(['background 1', 'request', 'background 2', 'background 3']);
  });

  it('gives waiting background work a turn after a run of request statements', async () => {
    const gate = new PgliteGate();
    const order: string[] = [];
    const blocker = statement(order, 'blocker');
    const running = [gate.run(blocker.work)];
    running.push(gate.run(async () => void order.push('background')));
    for (let index = 1; index <= 6; index++) running.push(runInRequest(`req-${index}`, () => gate.run(async () => void order.push(`request ${index}`))));
    blocker.release();
    await Promise.all(running);
    expect(order).toEqual(['blocker', 'request 1', 'request 2', 'request 3', 'request 4', 'background', 'request 5', 'request 6']);
  });

  it('holds a background statement back for the pacer\'s pause while the API is busy', async () => {
    const gate = new PgliteGate();
    gate.pacer.adjust(0.95, true);
    const order: string[] = [];
    const background = gate.run(async () => void order.push('background'));
    const request = runInRequest('req-1', () => gate.run(async () => void order.push('request')));
    await Promise.all([background, request]);
    expect(order).toEqual(['request', 'background']);
  });

  it('moves on after a statement fails', async () => {
    const gate = new PgliteGate();
    await expect(gate.run(() => Promise.reject(new Error('syntax error')))).rejects.toThrow('syntax error');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
