import { executionDeltasSubject, type CompletionRequest, type ExecutionDelta } from '@agent-squad/contracts';
import { LocalBus } from '@agent-squad/messaging';
import { DELTA_BATCH_MS, DeltaPublisher } from './delta-publisher';

const request = { executionId: '0190c8a0-0000-7000-8000-000000000001', memberId: '0190c8a0-0000-7000-8000-000000000002', stepIndex: 1, role: 'qa_tester' } as CompletionRequest;

describe('DeltaPublisher', () => {
  let bus: LocalBus;
  let received: ExecutionDelta[];

  beforeEach(() => {
    jest.useFakeTimers();
    bus = new LocalBus();
    received = [];
    bus.subscribe<ExecutionDelta>(executionDeltasSubject(request.executionId!), (delta) => void received.push(delta));
  });
  afterEach(() => jest.useRealTimers());

  /** Live handlers run asynchronously: let them. */
  const delivered = async () => {
    await jest.advanceTimersByTimeAsync(0);
    return received.map((delta) => delta.text);
  };

  it('sends the pieces written within the batch window as one delta', async () => {
    const stream = new DeltaPublisher(bus).forRequest(request)!;
    for (const piece of ['Hel', 'lo, ', 'world']) stream.write(piece);
    expect(await delivered()).toEqual([]);
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    expect(await delivered()).toEqual(['Hello, world']);
    expect(received[0]).toEqual({ memberId: request.memberId, stepIndex: 1, role: 'qa_tester', text: 'Hello, world' });
  });

  it('sends pieces further apart than the window one by one', async () => {
    const stream = new DeltaPublisher(bus).forRequest(request)!;
    stream.write('one ');
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    stream.write('two');
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    expect(await delivered()).toEqual(['one ', 'two']);
  });

  it('sends what is pending at once when a streaming answer ends', async () => {
    const stream = new DeltaPublisher(bus).forRequest(request)!;
    stream.write('first words, ');
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    stream.write('last words');
    stream.end();
    expect(await delivered()).toEqual(['first words, ', 'last words']);
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    expect(await delivered()).toEqual(['first words, ', 'last words']);
  });

  it('sends nothing for an answer that came whole within one batch window: its message carries it', async () => {
    const stream = new DeltaPublisher(bus).forRequest(request)!;
    stream.write('all at ');
    stream.write('once');
    stream.end();
    await jest.advanceTimersByTimeAsync(DELTA_BATCH_MS);
    expect(await delivered()).toEqual([]);
  });

  it('has no stream for a completion that is not an execution step', () => {
    expect(new DeltaPublisher(bus).forRequest({ ...request, executionId: undefined })).toBeUndefined();
  });
});
