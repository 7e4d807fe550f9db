import { StatementNames } from './statement-names';

describe('StatementNames', () => {
  it('gives each distinct SQL text one stable name', () => {
    const names = new StatementNames(10);
    const first = names.nameFor('SELECT 1');
    expect(first).toBeDefined();
    expect(names.nameFor('SELECT 1')).toBe(first);
    expect(names.nameFor('SELECT 2')).not.toBe(first);
  });

  it('names no more texts than its bound, and keeps the names it gave', () => {
    const names = new StatementNames(2);
    const a = names.nameFor('a');
    names.nameFor('b');
    expect(names.nameFor('c')).toBeUndefined();
    expect(names.nameFor('a')).toBe(a);
  });

  it('names nothing with a bound of 0', () => {
    expect(new StatementNames(0).nameFor('SELECT 1')).toBeUndefined();
  });
});
