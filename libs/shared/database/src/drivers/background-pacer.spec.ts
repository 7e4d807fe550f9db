import { BackgroundPacer } from './background-pacer';

describe('BackgroundPacer', () => {
  it('lets background statements run unpaused while the loop has room', () => {
    const pacer = new BackgroundPacer();
    pacer.adjust(0.5, true);
    pacer.adjust(0.95, false);
    expect(pacer.pauseMs).toBe(0);
  });

  it('doubles the pause from 1 ms while requests are served on a busy loop, up to 100 ms', () => {
    const pacer = new BackgroundPacer();
    const pauses = Array.from({ length: 9 }, () => (pacer.adjust(0.9, true), pacer.pauseMs));
    expect(pauses).toEqual([1, 2, 4, 8, 16, 32, 64, 100, 100]);
  });

  it('holds the pause between the thresholds and halves it back to nothing once the loop has room or no request came', () => {
    const pacer = new BackgroundPacer();
    for (let i = 0; i < 4; i++) pacer.adjust(0.9, true);
    pacer.adjust(0.7, true);
    expect(pacer.pauseMs).toBe(8);
    pacer.adjust(0.5, true);
    expect(pacer.pauseMs).toBe(4);
    pacer.adjust(0.9, false);
    expect(pacer.pauseMs).toBe(2);
    for (let i = 0; i < 3; i++) pacer.adjust(0.5, true);
    expect(pacer.pauseMs).toBe(0);
  });
});
