/** Counter values read from the processes' GET /metrics (Prometheus text format). */
export type Counts = Record<string, number>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of (text ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return labels;
}

/**
 * The samples of series `name` whose labels include every label of `where`, summed by the value of
 * label `by` (e.g. executions_finished_total by `status`).
 */
export function parseCounter(text: string, name: string, by: string, where: Record<string, string> = {}): Counts {
  const counts: Counts = {};
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = labelsOf(match[2]);
    if (Object.entries(where).some(([key, value]) => labels[key] !== value)) continue;
    const key = labels[by] ?? '';
    counts[key] = (counts[key] ?? 0) + Number(match[3]);
  }
  return counts;
}

/** Reads a counter from every process and adds them up (a split shape may run several workers). */
export async function readCounter(urls: readonly string[], name: string, by: string, where: Record<string, string> = {}): Promise<Counts> {
  const totals: Counts = {};
  for (const url of urls) {
    const response = await fetch(`${url}/metrics`);
    if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
    for (const [key, count] of Object.entries(parseCounter(await response.text(), name, by, where))) totals[key] = (totals[key] ?? 0) + count;
  }
  return totals;
}

/** executions_finished_total by status, over the processes that host the worker role. */
export function readFinished(workerUrls: readonly string[]): Promise<Counts> {
  return readCounter(workerUrls, 'executions_finished_total', 'status');
}

/** Tasks the gateway(s) accepted (202), counted by the server: it includes answers the load generator stopped waiting for. */
export async function readAcceptedTasks(gatewayUrls: readonly string[]): Promise<number> {
  return sum(await readCounter(gatewayUrls, 'http_requests_total', 'status', { method: 'POST', route: '/v1/squads/:id/tasks', status: '202' }));
}

export function sum(counts: Counts): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}
