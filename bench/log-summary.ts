import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LogLine {
  service: string;
  level: string;
  message: string;
  count: number;
}

const IDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The warnings and errors a stack's processes logged, grouped by service and message (ids and
 * attempt numbers folded), most frequent first: what went wrong inside the product during the bench.
 */
export function summarizeLogs(logDir: string, limit = 6): LogLine[] {
  const groups = new Map<string, LogLine>();
  for (const file of readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { level?: string; service?: string; msg?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.level !== 'warn' && entry.level !== 'error' && entry.level !== 'fatal') continue;
      const message = (entry.msg ?? '').replace(IDS, '<id>').replace(/\(attempt \d+\)/g, '(attempt n)').split('\n')[0]!.slice(0, 140);
      const service = file.replace(/\.log$/, '');
      const key = `${service}\u0000${entry.level}\u0000${message}`;
      const group = groups.get(key) ?? { service, level: entry.level, message, count: 0 };
      group.count++;
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count).slice(0, limit);
}
