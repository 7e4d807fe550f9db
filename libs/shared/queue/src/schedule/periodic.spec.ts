import { ManualClock } from '@agent-squad/testing';
import type { Clock } from './clock';
import { everyPeriod, nextPeriod } from './periodic';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 1, 10, 20);

describe('everyPeriod', () => {
  it('ticks at each multiple of the period since the epoch, starting with the next one', async () => {
    const clock = new ManualClock(START);
    const ticks: string[] = [];
    everyPeriod(clock, HOUR, async (period) => void ticks.push(new Date(period).toISOString()));

    await clock.advance(39 * 60_000);
    expect(ticks).toEqual([]);
    await clock.advance(60_000);
    await clock.advance(2 * HOUR);
    expect(ticks).toEqual(['2026-03-01T11:00:00.000Z', '2026-03-01T12:00:00.000Z', '2026-03-01T13:00:00.000Z']);
  });

  it('skips the periods it missed while the process was suspended', async () => {
    let now = START;
    const timers: { time: number; fire: () => Promise<void> }[] = [];
    const suspended: Clock = { now: () => now, at: (time, fire) => (timers.push({ time, fire }), () => undefined) };
    const ticks: number[] = [];
    everyPeriod(suspended, HOUR, async (period) => void ticks.push(period));

    // The 11:00 timer fires only at 14:30: that tick runs, and the next one is at 15:00.
    now = Date.UTC(2026, 2, 1, 14, 30);
    await timers[0]!.fire();
    expect(ticks).toEqual([Date.UTC(2026, 2, 1, 11)]);
    expect(timers.map((timer) => new Date(timer.time).toISOString())).toEqual(['2026-03-01T11:00:00.000Z', '2026-03-01T15:00:00.000Z']);
  });

  it('stops ticking when stopped', async () => {
    const clock = new ManualClock(START);
    let ticks = 0;
    const stop = everyPeriod(clock, HOUR, async () => void ticks++);
    await clock.advance(HOUR);
    stop();
    await clock.advance(5 * HOUR);
    expect(ticks).toBe(1);
  });
});

describe('nextPeriod', () => {
  it('is the next aligned boundary, never the present one', () => {
    const day = 86_400_000;
    expect(new Date(nextPeriod(Date.UTC(2026, 2, 1, 23, 59), day)).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(new Date(nextPeriod(Date.UTC(2026, 2, 2), day)).toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });
});
