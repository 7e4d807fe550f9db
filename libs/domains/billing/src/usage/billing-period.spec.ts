import { billingPeriod } from './billing-period';

describe('billingPeriod', () => {
  it('is the calendar month in UTC', () => {
    const period = billingPeriod(new Date('2026-11-30T23:59:59.999Z'));
    expect(period).toEqual({ key: '2026-11', start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') });
  });

  it('rolls over the year', () => {
    expect(billingPeriod(new Date('2026-12-31T12:00:00Z')).end).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(billingPeriod(new Date('2027-01-01T00:00:00Z')).key).toBe('2027-01');
  });
});
