import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '@agent-squad/testing';
import { createPool } from './postgres';

describe('createPool on PostgreSQL', () => {
  const pool = createPool(TEST_POSTGRES_URL, { size: 1, overflow: 0, acquireTimeoutMs: 5_000, recycleSeconds: 3_600 });
  const backend = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  afterAll(() => pool.end());

  it('keeps the connection when the server refuses a statement, and the statement still fails', async () => {
    const before = await backend();
    await expect(pool.query('SELECT 1 / 0')).rejects.toThrow(/division by zero/);
    await expect(pool.query({ name: 'refused', text: 'SELECT $1::int', values: ['not a number'] })).rejects.toThrow(/invalid input syntax/);
    expect(await backend()).toBe(before);
  });

  it('replaces a connection that broke', async () => {
    const before = await backend();
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    // The pool's one connection runs a long statement while another session terminates it.
    const running = pool.query('SELECT pg_sleep(5)');
    await admin.query('SELECT pg_terminate_backend($1)', [before]);
    await admin.end();
    await expect(running).rejects.toThrow();
    expect(await backend()).not.toBe(before);
  });
});
