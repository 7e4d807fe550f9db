/** Live subject on which each gateway reports, every window, how fast it is answering API requests. */
export const API_LATENCY_SUBJECT = 'ops.api-latency';

/** One gateway's report for one window (only sent when it answered requests in it). */
export interface ApiLatencyReport {
  /** 90th percentile of the window's API request durations, in ms. */
  p90Ms: number;
  requests: number;
}

/** How often gateways report, and workers adjust to the reports. */
export const API_LATENCY_WINDOW_MS = 100;
