import { currentScope, routesByUser, runAsUser, userScoped, type WriteRecorder } from './user-scope';

/** Stands in for a database's writes: marks the current scope, and lists whom each write was recorded for. */
class Recorder implements WriteRecorder {
  readonly recorded: string[] = [];
  write(): void {
    currentScope()?.written.add(this);
  }
  async recordWrite(userId: string): Promise<void> {
    this.recorded.push(userId);
  }
}

describe('user scopes', () => {
  it('runs work as the user, visible to everything it awaits, and records its writes for that user once done', async () => {
    const recorder = new Recorder();
    const seen = await runAsUser('ada', async () => {
      await Promise.resolve();
      recorder.write();
      expect(recorder.recorded).toEqual([]);
      return currentScope()?.userId;
    });
    expect(seen).toBe('ada');
    expect(recorder.recorded).toEqual(['ada']);
    expect(currentScope()).toBeUndefined();
  });

  it('records nothing for work that only read', async () => {
    const recorder = new Recorder();
    await runAsUser('ada', async () => undefined);
    expect(recorder.recorded).toEqual([]);
  });

  it("serves each method as its request's ownerId or userId; a call naming no user that writes is recorded for the user its answer names", async () => {
    const recorder = new Recorder();
    const service = {
      prefix: 'seen:',
      async list(request: { ownerId: string }) {
        return `${this.prefix}${currentScope()?.userId ?? 'nobody'} for ${request.ownerId}`;
      },
      async me(request: { userId: string }) {
        recorder.write();
        return currentScope()?.userId ?? request.userId;
      },
      async signup(request: { email: string }) {
        recorder.write();
        return { id: 'new-user', email: request.email, scoped: currentScope()?.userId ?? null };
      },
    };
    const scoped = userScoped(service);
    expect(await scoped.list({ ownerId: 'ada' })).toBe('seen:ada for ada');
    expect(await scoped.me({ userId: 'bob' })).toBe('bob');
    expect(await scoped.signup({ email: 'c@example.com' })).toEqual({ id: 'new-user', email: 'c@example.com', scoped: null });
    expect(recorder.recorded).toEqual(['bob', 'new-user']);
    expect(scoped.prefix).toBe('seen:');
  });

  it('are needed only where reads depend on the user: replicas or several shards', () => {
    expect(routesByUser({ kind: 'pglite', dataDir: '/tmp/x' })).toBe(false);
    expect(routesByUser({ kind: 'postgres', url: 'postgres://p/db' })).toBe(false);
    expect(routesByUser({ kind: 'postgres', url: 'postgres://p/db', replicas: [] })).toBe(false);
    expect(routesByUser({ kind: 'postgres', url: 'postgres://p/db', replicas: ['postgres://r/db'] })).toBe(true);
    expect(routesByUser({ kind: 'postgres', url: 'postgres://p/db', shards: ['postgres://p/db', 'postgres://s/db'] })).toBe(true);
  });
});
