import { isDependencyError } from './dependency-errors';

describe('isDependencyError', () => {
  it('knows a dependency fault by its own code, or by the database code a failed raw query carries', () => {
    expect(isDependencyError(Object.assign(new Error('pool'), { code: 'P2024' }))).toBe(true);
    expect(isDependencyError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyError(Object.assign(new Error('Raw query failed. Code: `53300`'), { code: 'P2010', meta: { code: '53300' } }))).toBe(true);
    expect(isDependencyError(Object.assign(new Error('raw'), { code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '57P01' } } } }))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    expect(isDependencyError(Object.assign(new Error('unique'), { code: 'P2010', meta: { code: '23505' } }))).toBe(false);
    expect(isDependencyError(new Error('bug'))).toBe(false);
    expect(isDependencyError('text')).toBe(false);
    expect(isDependencyError(null)).toBe(false);
  });
});
