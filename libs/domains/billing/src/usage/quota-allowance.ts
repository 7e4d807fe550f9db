import type { QuotaAllowance, UsageReport } from '@agent-squad/contracts';

/** The part of what is left of a quota one allowance may take. */
const SHARE_OF_REMAINDER = 0.01;

/**
 * The allowance granted with a passed quota check: at most `max` further executions, and no more
 * than 1 % of what is left of either quota (tokens counted at the user's average per execution so
 * far), so a user within reach of a limit gets none and every submission is checked. Each grant
 * can let a submitter overshoot by that 1 % at most, besides what running executions will still
 * use, which no check at submission can know.
 */
export function quotaAllowance(report: UsageReport, max: number, validForMs: number): QuotaAllowance | undefined {
  const byExecutions = (report.quota.executions - report.executions) * SHARE_OF_REMAINDER;
  const tokensPerExecution = report.executions > 0 ? report.tokens / report.executions : 0;
  const byTokens = tokensPerExecution > 0 ? ((report.quota.tokens - report.tokens) * SHARE_OF_REMAINDER) / tokensPerExecution : Infinity;
  const executions = Math.floor(Math.min(max, byExecutions, byTokens));
  return executions >= 1 && validForMs > 0 ? { executions, validForMs } : undefined;
}
