import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [string, number][] = [['a', 0.0005], ['a', 0.001], ['b', 0.05], ['a', 0.3], ['b', 7], ['a', 0.001]];

/** The same observations in prom-client's own series and in ours, each on a registry of its own. */
async function pages(): Promise<{ theirs: string; ours: string; ourRegistry: Registry; hot: { counter: HotCounter<'route'>; histogram: HotHistogram<'route'> } }> {
  const theirRegistry = new Registry();
  const ourRegistry = new Registry();
  const theirCounter = new Counter({ name: 'requests_total', help: 'Requests', labelNames: ['route'], registers: [theirRegistry] });
  const theirHistogram = new Histogram({ name: 'request_seconds', help: 'Durations', labelNames: ['route'], buckets: BUCKETS, registers: [theirRegistry] });
  const counter = new HotCounter('requests_total', 'Requests', ['route'], ourRegistry);
  const histogram = new HotHistogram('request_seconds', 'Durations', ['route'], BUCKETS, ourRegistry);
  const series = new Map(['a', 'b'].map((route) => [route, { count: counter.series({ route }), time: histogram.series({ route }) }]));
  for (const [route, seconds] of OBSERVED) {
    theirCounter.inc({ route });
    theirHistogram.observe({ route }, seconds);
    series.get(route)!.count.inc();
    series.get(route)!.time.observe(seconds);
  }
  return { theirs: await theirRegistry.metrics(), ours: await ourRegistry.metrics(), ourRegistry, hot: { counter, histogram } };
}

describe('HotCounter and HotHistogram', () => {
  it('expose exactly what prom-client series fed the same values expose', async () => {
    const { theirs, ours } = await pages();
    expect(ours).toBe(theirs);
    expect(ours).toContain('request_seconds_bucket{le="0.001",route="a"} 3');
    expect(ours).toContain('request_seconds_bucket{le="+Inf",route="b"} 2');
  });

  it('answer the registry in prom-client JSON shape, and keep counting on held series after a reset', async () => {
    const { ourRegistry, hot } = await pages();
    const json = await ourRegistry.getMetricsAsJSON();
    expect(json.find((metric) => metric.name === 'requests_total')).toMatchObject({ type: 'counter', values: [{ labels: { route: 'a' }, value: 4 }, { labels: { route: 'b' }, value: 2 }] });
    ourRegistry.resetMetrics();
    hot.counter.series({ route: 'a' }).inc(5);
    expect(await ourRegistry.getSingleMetricAsString('requests_total')).toContain('requests_total{route="a"} 5');
    expect(await ourRegistry.getSingleMetricAsString('request_seconds')).toContain('request_seconds_count{route="b"} 0');
  });
});
