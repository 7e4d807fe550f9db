import { fromTemplate, fromText } from './raw-statement';

const sql = (strings: TemplateStringsArray, ...values: unknown[]) => fromTemplate(strings, values);

describe('raw statements', () => {
  it('numbers a tagged template\'s placeholders as PostgreSQL does', () => {
    expect(sql`SELECT ${1}::int, ${'a'} WHERE x = ${true}`).toEqual({ text: 'SELECT $1::int, $2 WHERE x = $3', values: [1, 'a', true] });
    expect(sql`SELECT 1`).toEqual({ text: 'SELECT 1', values: [] });
  });

  it('sends instants in UTC ISO 8601, also inside arrays, and other values as they are', () => {
    const at = new Date('2026-01-02T03:04:05.006Z');
    const json = JSON.stringify({ a: 1 });
    expect(fromText('SELECT $1, $2, $3', [at, [at, null], json]).values).toEqual(['2026-01-02T03:04:05.006Z', ['2026-01-02T03:04:05.006Z', null], json]);
  });

  it('builds the text of a call site once', () => {
    const run = (value: number) => sql`SELECT ${value}`;
    expect(run(1).text).toBe(run(2).text);
  });
});
