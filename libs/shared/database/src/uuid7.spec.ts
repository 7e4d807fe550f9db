import { uuid7 } from './uuid7';

describe('uuid7', () => {
  it('is a version 7 UUID with the RFC 9562 variant, its first 48 bits the time in ms', () => {
    const at = Date.UTC(2026, 11, 4, 12, 0, 0, 123);
    const id = uuid7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time and differs within one millisecond', () => {
    const now = Date.now();
    expect(uuid7(now) < uuid7(now + 1)).toBe(true);
    expect(uuid7(now)).not.toBe(uuid7(now));
  });
});
