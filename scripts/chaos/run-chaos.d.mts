/**
 * @module scripts/chaos/run-chaos — types of run-chaos.mjs, for the TypeScript test that runs
 * the short version (test/node/chaos.test.ts).
 */

export interface ChaosOptions {
  kills: number;
  seed: number;
  jobs: number;
  minutes: number;
  port: number;
  emulatorPort: number;
  mediaMiB: [number, number];
  slowCreateRate: number;
  threshold: number;
  settleSeconds: number;
  patienceSeconds: number;
  stateDir: string | null;
  keep: boolean;
}

/** "n of N (p%)". */
export interface Share {
  count: number;
  of: number;
  percent: number;
}

export interface ChaosGoal {
  name: string;
  value: Share;
  ok: boolean;
  /** Set on the rate goals (orphans, multi-task jobs). */
  threshold?: number;
  /** The jobs (or tasks) that break it. */
  ids: string[];
}

export interface ChaosReport {
  ok: boolean;
  options: ChaosOptions;
  state_dir: string;
  kills: number;
  submits_planned: number;
  goals: ChaosGoal[];
  notes: Array<{ name: string; value: Share | null; ids?: string[] }>;
  counts: {
    requests: number;
    acknowledged: number;
    acknowledged_keyed: number;
    keyed_replays: number;
    unacknowledged: number;
    jobs: number;
    statuses: Record<string, number>;
    tasks: number;
    creates_answer_lost: number;
    creates_resent: number;
    tasks_adopted: number;
    outputs_checked: number;
  };
  details: Record<string, unknown>;
  flagged_jobs: unknown[];
}

export const chaosDefaults: ChaosOptions;
export const repositoryRoot: string;
export function runChaos(input?: Partial<ChaosOptions>, hooks?: { progress?: (line: string) => void }): Promise<ChaosReport>;
