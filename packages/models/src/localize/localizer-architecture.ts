import type { JobSpec } from '@ocellus/contracts';

export type LocalizerArchitecture = Extract<JobSpec['architecture'], { type: 'localizer' }>;
