import type { JobSpec } from '@ocellus/contracts';

export type RcnnArchitecture = Extract<JobSpec['architecture'], { type: 'rcnn' }>;
