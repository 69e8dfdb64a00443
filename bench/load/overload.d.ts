// Types of overload.js for the TypeScript suites that drive the server with it (test/reliability).

export interface Target {
  url: string;
  path: string;
  body: Buffer;
  contentType: string;
}

export interface OverloadFigures {
  offeredPerSecond: number;
  connections: number;
  seconds: number;
  acceptedPerSecond: number;
  answered: number;
  accepted: number;
  rejected: number;
  /** 503 answers whose body said OVERLOADED. */
  overloaded: number;
  overloadedPercent: number;
  /** The server's own ocellus_requests_shed_total over the run. */
  shedByServer: number;
  /** Answers neither 2xx nor 503, by status. */
  others: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Latencies below are the probe process's samples, at normal priority. */
  acceptedSamples: number;
  acceptedP50Ms: number;
  acceptedP99Ms: number;
  rejectedSamples: number;
  rejectedP50Ms: number;
  rejectedP99Ms: number;
  healthProbes: number;
  healthFailures: number;
  healthP50Ms: number;
  healthP99Ms: number;
  rssStartBytes: number;
  rssEndBytes: number;
}

export function startServer(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }>;
export function quantile(sorted: number[], q: number): number;
export function metricValue(url: string, name: string): Promise<number>;
export function residentBytes(url: string): Promise<number>;
export function probe(
  url: string,
  durationMs: number,
  intervalMs: number,
  sample?: { path: string; body: string; contentType: string; clients: number; intervalMs: number },
): {
  done: Promise<{
    health: number[];
    healthFailures: number;
    accepted: number[];
    rejected: number[];
    others: Record<string, number>;
  }>;
};
export function saturation(target: Target & { connections: number; seconds: number }): Promise<number>;
export function overload(
  target: Target & { rate: number; seconds: number; probeIntervalMs?: number },
): Promise<OverloadFigures>;
