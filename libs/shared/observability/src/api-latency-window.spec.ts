import { ApiLatencyWindow } from './api-latency-window';

describe('ApiLatencyWindow', () => {
  it('reports the 90th percentile and count of a window, then starts a new one', () => {
    const window = new ApiLatencyWindow();
    for (let ms = 1; ms <= 100; ms++) window.record(ms);
    expect(window.close()).toEqual({ p90Ms: 91, requests: 100 });
    expect(window.close()).toBeUndefined();
    window.record(7);
    expect(window.close()).toEqual({ p90Ms: 7, requests: 1 });
  });
});
