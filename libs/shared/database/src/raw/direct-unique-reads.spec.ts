import { type Measure } from '../routing/measured-client';
import { DirectUniqueReads, type RuntimeDataModel } from './direct-unique-reads';
import { type RawDriver } from './raw-drivers';
import { type RawStatement } from './raw-statement';

const DATA_MODEL: RuntimeDataModel = {
  models: {
    User: {
      dbName: 'users',
      schema: 'core',
      fields: [
        { name: 'id', kind: 'scalar' },
        { name: 'email', kind: 'scalar' },
        { name: 'displayName', kind: 'scalar', dbName: 'display_name' },
        { name: 'keys', kind: 'object' },
      ],
    },
    Avatar: { dbName: 'avatars', schema: 'core', fields: [{ name: 'id', kind: 'scalar' }, { name: 'image', kind: 'scalar' }] },
  },
};

/** Column types as pg_attribute lists them: uuid and text, and a bytea the drivers do not read as Prisma does. */
const COLUMN_TYPES: Record<string, Record<string, number>> = {
  '"core"."users"': { id: 2950, email: 25, display_name: 1043 },
  '"core"."avatars"': { id: 2950, image: 17 },
};

function setUp(rows: Record<string, unknown>[] = [{ id: 'u1', email: 'ada@example.com', display_name: 'Ada' }]) {
  const statements: RawStatement[] = [];
  const measured: string[] = [];
  const prismaCalls: unknown[] = [];
  let failWith: unknown;
  const driver: RawDriver = async (statement) => {
    if (statement.text.includes('pg_attribute')) {
      const types = COLUMN_TYPES[statement.values[0] as string] ?? {};
      return { rows: Object.entries(types).map(([column, type]) => ({ column, type })), rowCount: 0 };
    }
    statements.push(statement);
    if (failWith) throw failWith;
    return { rows, rowCount: rows.length };
  };
  const measure: Measure = (kind, operation, run) => {
    measured.push(`${kind} ${operation}`);
    return run();
  };
  const prisma = {
    findUnique: async (args: unknown) => {
      prismaCalls.push(args);
      return 'from Prisma';
    },
    findMany: async () => 'findMany from Prisma',
  };
  const reads = new DirectUniqueReads(DATA_MODEL, driver, measure);
  return {
    user: reads.delegate('User', prisma),
    avatar: reads.delegate('Avatar', prisma),
    statements,
    measured,
    prismaCalls,
    fail: (error: unknown) => (failWith = error),
  };
}

describe('DirectUniqueReads', () => {
  it('reads by a unique field on the driver, answering fields by name in model order, measured as a read', async () => {
    const { user, statements, measured, prismaCalls } = setUp();
    expect(await user['findUnique']!({ where: { id: 'u1' } })).toEqual({ id: 'u1', email: 'ada@example.com', displayName: 'Ada' });
    expect(statements).toEqual([{ text: 'SELECT "id", "email", "display_name" FROM "core"."users" WHERE "id" = $1 LIMIT 1', values: ['u1'] }]);
    expect(measured).toEqual(['read User.findUnique']);
    expect(prismaCalls).toEqual([]);
  });

  it('flattens a compound key, adds extra equalities and selects only the fields asked for', async () => {
    const { user, statements } = setUp();
    await user['findUnique']!({ where: { email_displayName: { email: 'ada@example.com', displayName: 'Ada' }, id: 'u1' }, select: { displayName: true, id: false } });
    expect(statements).toEqual([{ text: 'SELECT "display_name" FROM "core"."users" WHERE "email" = $1 AND "display_name" = $2 AND "id" = $3 LIMIT 1', values: ['ada@example.com', 'Ada', 'u1'] }]);
  });

  it('answers null when no row matches', async () => {
    const { user } = setUp([]);
    expect(await user['findUnique']!({ where: { id: 'u2' } })).toBeNull();
  });

  it.each([
    ['a relation', { where: { id: 'u1' }, include: { keys: true } }],
    ['an operator', { where: { id: { in: ['u1'] } } }],
    ['a null', { where: { id: null } }],
    ['a relation in select', { where: { id: 'u1' }, select: { keys: true } }],
    ['an unknown field', { where: { nickname: 'x' } }],
    ['no filter at all', { where: {} }],
  ])('leaves %s to Prisma', async (_, args) => {
    const { user, statements, prismaCalls } = setUp();
    expect(await user['findUnique']!(args)).toBe('from Prisma');
    expect(statements).toEqual([]);
    expect(prismaCalls).toEqual([args]);
  });

  it('leaves a table with a column it cannot read as Prisma does, and every other operation, to Prisma', async () => {
    const { avatar, user, statements } = setUp();
    expect(await avatar['findUnique']!({ where: { id: 'a1' } })).toBe('from Prisma');
    expect(await user['findMany']!({})).toBe('findMany from Prisma');
    expect(statements).toEqual([]);
  });

  it('lets Prisma report a data error (e.g. an id that is no uuid), and passes any other error on', async () => {
    const { user, fail, prismaCalls } = setUp();
    fail(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }));
    expect(await user['findUnique']!({ where: { id: 'nope' } })).toBe('from Prisma');
    expect(prismaCalls).toEqual([{ where: { id: 'nope' } }]);
    fail(Object.assign(new Error('too many clients'), { code: '53300' }));
    await expect(user['findUnique']!({ where: { id: 'u1' } })).rejects.toThrow('too many clients');
  });
});
