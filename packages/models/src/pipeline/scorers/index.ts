import type { Task } from '@ocellus/contracts';
import { caption } from './caption.js';
import { classify } from './classify.js';
import { detect } from './detect.js';
import { localize } from './localize.js';
import type { Scorer } from './scorer.js';
import { segment } from './segment.js';

export type { Scorer, ScoringContext, TaskEvaluation } from './scorer.js';

/** The evaluator of each task, looked up by the model's task: the pipeline never branches on it. */
export const scorers: { readonly [T in Task]: Scorer<T> } = { classify, localize, detect, segment, caption };
