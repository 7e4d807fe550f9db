import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The README's quick start, exactly as written, against the running product. */
function quickStartScript(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /<!-- quick-start:begin -->\s*```bash\n([\s\S]*?)```\s*<!-- quick-start:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no quick-start block');
  return block[1]!;
}

describe('README quick start', () => {
  it('signs up, forms a squad of three, submits a task, streams every agent message and ends completed', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', quickStartScript()], {
      env: { ...process.env, BASE: process.env.E2E_BASE_URL },
      timeout: 30_000,
    });
    const events = [...stdout.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe('status');
    expect(events.filter((event) => event === 'message')).toHaveLength(3);
    expect(events.at(-1)).toBe('done');
    for (const role of ['project_manager', 'backend_developer', 'qa_tester']) expect(stdout).toContain(`(${role}) on \\"Add discount codes\\"`);
    expect(stdout.trim().split('\n').at(-1)).toBe('completed');
  });
});
