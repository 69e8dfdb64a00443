import type { JobSpec } from '@ocellus/contracts';

export type SlidingWindowArchitecture = Extract<JobSpec['architecture'], { type: 'sliding-window' }>;
