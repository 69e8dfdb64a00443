import type { JobSpec } from '@ocellus/contracts';

export type CaptionerArchitecture = Extract<JobSpec['architecture'], { type: 'captioner' }>;
