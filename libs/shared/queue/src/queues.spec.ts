import { ALL_QUEUES, QUEUES } from './queues';

/** Every contract in the catalogue, however deeply nested. */
function contracts(tree: object): string[] {
  return Object.values(tree).flatMap((value: unknown) => {
    if (typeof value !== 'object' || value === null) return [];
    return 'name' in value && typeof value.name === 'string' ? [value.name] : contracts(value);
  });
}

describe('QUEUES', () => {
  it('lists every queue once in ALL_QUEUES, the list metrics and the ops endpoint report', () => {
    const names = ALL_QUEUES.map((queue) => queue.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(contracts(QUEUES).sort());
  });
});
