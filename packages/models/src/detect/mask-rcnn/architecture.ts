import type { JobSpec } from '@ocellus/contracts';

export type MaskRcnnArchitecture = Extract<JobSpec['architecture'], { type: 'mask-rcnn' }>;
