import { MemoryWritePositions } from './write-positions';

describe('MemoryWritePositions', () => {
  it("keeps each user's greatest write position per domain, 0 for a user with none", async () => {
    const positions = new MemoryWritePositions();
    await positions.record('core', 'ada', 20n);
    await positions.record('core', 'ada', 10n);
    expect(await positions.get('core', 'ada')).toBe(20n);
    expect(await positions.get('billing', 'ada')).toBe(0n);
    expect(await positions.get('core', 'bob')).toBe(0n);
  });
});
