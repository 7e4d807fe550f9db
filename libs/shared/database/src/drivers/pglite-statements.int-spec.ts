import { PGlite } from '@electric-sql/pglite';
import { PgliteStatements, toText } from './pglite-statements';
import { StatementNames } from './statement-names';

describe('PgliteStatements', () => {
  let db: PGlite;
  let statements: PgliteStatements;

  beforeAll(async () => {
    db = await PGlite.create();
    statements = new PgliteStatements(db, new StatementNames(10));
  });
  afterAll(() => db.close());

  const rows = async (text: string, values: unknown[] = []) => (await statements.run(text, values, {})).rows;

  it('sends parameters as text for the casts to read, arrays and JSON included', async () => {
    const tricky = ['plain', 'with "quotes"', 'back\\slash', null, 'comma, brace}'];
    expect(await rows('SELECT $1::text[] AS list, $2::jsonb AS doc, $3::int + 1 AS n, $4::boolean AS flag, $5::bytea AS bytes', [tricky, { a: [1, 'x'] }, 41, true, Buffer.from('hi')])).toEqual([
      { list: tricky, doc: { a: [1, 'x'] }, n: 42, flag: true, bytes: new Uint8Array(Buffer.from('hi')) },
    ]);
  });

  it('keeps working after a statement fails to parse, or fails after it was parsed', async () => {
    await expect(rows('SELECT no_such_column')).rejects.toMatchObject({ code: '42703' });
    await expect(rows('SELECT $1::int AS n', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    // Parsed (and so prepared) before its parameter failed: the same text runs from it now.
    expect(await rows('SELECT $1::int AS n', ['7'])).toEqual([{ n: 7 }]);
    expect(await rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('runs a new text sent several times at once (each first run parses it)', async () => {
    const answers = await Promise.all(['1', '2', '3'].map((value) => rows('SELECT $1::int * 2 AS doubled', [value])));
    expect(answers).toEqual([[{ doubled: 2 }], [{ doubled: 4 }], [{ doubled: 6 }]]);
  });

  it('waits for a transaction open on the connection instead of running inside it', async () => {
    const order: string[] = [];
    let release!: () => void;
    let begun!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (begun = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      begun();
      await held;
      order.push('transaction ends');
    });
    await inside;
    const statement = rows('SELECT 2 AS two').then(() => order.push('statement'));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([transaction, statement]);
    expect(order).toEqual(['transaction ends', 'statement']);
  });

  it('reports the rows a write affected', async () => {
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY, body text)');
    const insert = await statements.run('INSERT INTO notes SELECT g, $1 FROM generate_series(1, 3) g', ['x'], {});
    expect(insert.affectedRows).toBe(3);
    await expect(statements.run('INSERT INTO notes VALUES (1, $1)', ['dup'], {})).rejects.toMatchObject({ code: '23505' });
  });

  it('runs texts past its bound of names unnamed', async () => {
    const small = new PgliteStatements(db, new StatementNames(0));
    expect((await small.run('SELECT $1::text AS s', ['a'], {})).rows).toEqual([{ s: 'a' }]);
    expect((await small.run('SELECT $1::text AS s', ['b'], {})).rows).toEqual([{ s: 'b' }]);
  });
});

describe('toText', () => {
  it('writes values in PostgreSQL\'s text format', () => {
    expect(toText(null)).toBeNull();
    expect(toText(12n)).toBe('12');
    expect(toText([[1, 2], [3, null]])).toBe('{{"1","2"},{"3",NULL}}');
  });
});
