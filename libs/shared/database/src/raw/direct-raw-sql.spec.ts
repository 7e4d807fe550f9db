import { type Measure } from '../routing/measured-client';
import { withDirectRawSql } from './direct-raw-sql';
import { type RawDriver } from './raw-drivers';
import { type RawStatement } from './raw-statement';

/** Stands in for a Prisma client: records what reached it. */
class FakeClient {
  readonly calls: string[] = [];
  async $disconnect(): Promise<void> {}
  async $queryRaw(...args: unknown[]): Promise<unknown> {
    this.calls.push(`prisma $queryRaw ${JSON.stringify(args[0])}`);
    return [];
  }
  async $executeRaw(..._args: unknown[]): Promise<number> {
    return 0;
  }
  async $queryRawUnsafe(..._args: unknown[]): Promise<unknown> {
    return [];
  }
  async $executeRawUnsafe(..._args: unknown[]): Promise<number> {
    return 0;
  }
  async $transaction(): Promise<string> {
    this.calls.push('prisma $transaction');
    return 'in a transaction';
  }
}

function setUp() {
  const statements: RawStatement[] = [];
  const measured: string[] = [];
  const driver: RawDriver = async (statement) => {
    statements.push(statement);
    return { rows: [{ n: 1 }], rowCount: 7 };
  };
  const measure: Measure = (kind, operation, run) => {
    measured.push(`${kind} ${operation}`);
    return run();
  };
  const fake = new FakeClient();
  return { fake, client: withDirectRawSql(fake, driver, measure), statements, measured };
}

describe('withDirectRawSql', () => {
  it('runs tagged-template and unsafe raw SQL on the driver, measured as writes', async () => {
    const { client, statements, measured, fake } = setUp();
    expect(await client.$queryRaw`SELECT ${1}`).toEqual([{ n: 1 }]);
    expect(await client.$executeRaw`UPDATE t SET a = ${2}`).toBe(7);
    expect(await client.$queryRawUnsafe('SELECT $1', 3)).toEqual([{ n: 1 }]);
    expect(await client.$executeRawUnsafe('DELETE FROM t WHERE a = $1', 4)).toBe(7);
    expect(statements).toEqual([
      { text: 'SELECT $1', values: [1] },
      { text: 'UPDATE t SET a = $1', values: [2] },
      { text: 'SELECT $1', values: [3] },
      { text: 'DELETE FROM t WHERE a = $1', values: [4] },
    ]);
    expect(measured).toEqual(['write $queryRaw', 'write $executeRaw', 'write $queryRawUnsafe', 'write $executeRawUnsafe']);
    expect(fake.calls).toEqual([]);
  });

  it('leaves a Prisma.sql object and every other member to Prisma', async () => {
    const { client, statements, fake } = setUp();
    await client.$queryRaw({ sql: 'SELECT 1', values: [] } as never);
    expect(await client.$transaction()).toBe('in a transaction');
    expect(statements).toEqual([]);
    expect(fake.calls).toEqual(['prisma $queryRaw {"sql":"SELECT 1","values":[]}', 'prisma $transaction']);
  });
});
