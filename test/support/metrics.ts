/** Prometheus scrapes for tests: one series' value from a page, or summed over the stack's processes. */

export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return response.text();
}

/** The value of `series` (name and labels as Prometheus prints them), 0 when absent: a labelled series appears at its first use. */
export function metricValue(page: string, series: string): number {
  const line = page.split('\n').find((text) => text.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Every process of the stack (the global setup lists them): one in the embedded shape, each service when split. */
export function serviceUrls(): string[] {
  return (process.env.E2E_SERVICE_URLS ?? '').split(',').filter((url) => url !== '');
}

/** `series` summed over every process: the same figure whichever process did the work. */
export async function stackMetric(series: string): Promise<number> {
  const pages = await Promise.all(serviceUrls().map(scrape));
  return pages.reduce((sum, page) => sum + metricValue(page, series), 0);
}
