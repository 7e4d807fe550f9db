import { Logger } from '@nestjs/common';
import { AppError } from '@agent-squad/contracts';
import { ECHO_SERVICE, EchoService } from '../testing/echo.service';
import { NatsTestStack } from '../testing/nats-test-kit';

describe('NatsBus RPC', () => {
  let stack: NatsTestStack;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (stack = new NatsTestStack()));
  afterEach(() => stack.dispose());

  it('calls a service served by another process over NATS, with a JSON copy of the request', async () => {
    const [server, caller] = [await stack.bus(), await stack.bus()];
    const impl = new EchoService('server');
    await server.serve(ECHO_SERVICE, impl);
    const request = { text: 'over the wire' };
    await expect(caller.client(ECHO_SERVICE).echo(request)).resolves.toEqual({ text: 'over the wire', servedBy: 'server' });
    expect(impl.received[0]).toEqual(request);
    expect(impl.received[0]).not.toBe(request);
  });

  it('calls the implementation directly when the service is served in the same process', async () => {
    const bus = await stack.bus();
    const impl = new EchoService();
    await bus.serve(ECHO_SERVICE, impl);
    const request = { text: 'in process' };
    await bus.client(ECHO_SERVICE).echo(request);
    expect(impl.received[0]).toBe(request);
  });

  it('carries an AppError across unchanged', async () => {
    const [server, caller] = [await stack.bus(), await stack.bus()];
    await server.serve(ECHO_SERVICE, new EchoService());
    const error = await caller.client(ECHO_SERVICE).fail({ kind: 'app' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toJSON()).toEqual({ code: 'conflict', message: 'Squad name taken', errors: [{ field: 'name', message: 'already used' }] });
  });

  it('hides any other error behind a generic internal AppError', async () => {
    const [server, caller] = [await stack.bus(), await stack.bus()];
    await server.serve(ECHO_SERVICE, new EchoService());
    const error = await caller.client(ECHO_SERVICE).fail({ kind: 'bug' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toJSON()).toEqual({ code: 'internal', message: 'Internal error' });
  });

  it('answers unavailable, naming the service, when nobody serves it', async () => {
    const caller = await stack.bus();
    await expect(caller.client(ECHO_SERVICE).echo({ text: 'x' })).rejects.toMatchObject({
      code: 'unavailable',
      message: 'Service test.echo is unavailable: no instance is serving it',
    });
  });

  it('answers unavailable when the service does not reply in time', async () => {
    const server = await stack.bus();
    const caller = await stack.bus({ rpcTimeoutMs: 200 });
    const impl = new EchoService();
    await server.serve(ECHO_SERVICE, impl);
    await expect(caller.client(ECHO_SERVICE).hold({ key: 'slow' })).rejects.toMatchObject({
      code: 'unavailable',
      message: 'Service test.echo is unavailable: no answer within 200 ms',
    });
    impl.release('slow');
  });

  it('resolves the target per call: a client made before the service exists works once it is served', async () => {
    const [server, caller] = [await stack.bus(), await stack.bus()];
    const client = caller.client(ECHO_SERVICE);
    await expect(client.echo({ text: 'early' })).rejects.toMatchObject({ code: 'unavailable' });
    await server.serve(ECHO_SERVICE, new EchoService('late'));
    await expect(client.echo({ text: 'now' })).resolves.toEqual({ text: 'now', servedBy: 'late' });
  });

  it('shares the load between replicas of a service (queue group): each request is answered once', async () => {
    const replicas = [new EchoService('a'), new EchoService('b'), new EchoService('c')];
    for (const replica of replicas) await (await stack.bus()).serve(ECHO_SERVICE, replica);
    const client = (await stack.bus()).client(ECHO_SERVICE);
    const answers = await Promise.all(Array.from({ length: 90 }, (_, i) => client.echo({ text: String(i) })));
    const counts = replicas.map((replica) => replica.received.length);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(90);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(90);
  });

  it('finishes requests in flight before close resolves', async () => {
    const [server, caller] = [await stack.bus(), await stack.bus()];
    const impl = new EchoService('closing');
    await server.serve(ECHO_SERVICE, impl);
    const answer = caller.client(ECHO_SERVICE).hold({ key: 'k' });
    await impl.whenHeld('k');
    const closed = server.close();
    impl.release('k');
    await closed;
    await expect(answer).resolves.toBeNull();
  });
});
