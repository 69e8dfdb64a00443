import type { JobSpec } from '@ocellus/contracts';

export type FasterRcnnArchitecture = Extract<JobSpec['architecture'], { type: 'faster-rcnn' }>;
