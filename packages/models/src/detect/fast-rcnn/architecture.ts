import type { JobSpec } from '@ocellus/contracts';

export type FastRcnnArchitecture = Extract<JobSpec['architecture'], { type: 'fast-rcnn' }>;
