import { z } from 'zod';

export const TASKS = ['classify', 'localize', 'detect', 'segment', 'caption'] as const;
export const taskSchema = z.enum(TASKS);
export type Task = z.infer<typeof taskSchema>;

export const ARCHITECTURE_TYPES = [
  'knn',
  'linear',
  'mlp',
  'cnn',
  'localizer',
  'sliding-window',
  'rcnn',
  'fast-rcnn',
  'faster-rcnn',
  'mask-rcnn',
  'captioner',
  'captioner-ensemble',
] as const;
export type ArchitectureType = (typeof ARCHITECTURE_TYPES)[number];

/** The one task each model family solves; the job spec and the registry both check it. */
export const TASK_OF_ARCHITECTURE: { readonly [K in ArchitectureType]: Task } = {
  knn: 'classify',
  linear: 'classify',
  mlp: 'classify',
  cnn: 'classify',
  localizer: 'localize',
  'sliding-window': 'detect',
  rcnn: 'detect',
  'fast-rcnn': 'detect',
  'faster-rcnn': 'detect',
  'mask-rcnn': 'segment',
  captioner: 'caption',
  'captioner-ensemble': 'caption',
};

/** The model a task route serves when the request names none (the shipped registry's names). */
export const DEFAULT_MODEL_OF_TASK: { readonly [K in Task]: string } = {
  classify: 'digits-cnn',
  localize: 'digits-localizer',
  detect: 'digits-faster-rcnn',
  segment: 'digits-mask-rcnn',
  caption: 'digits-captioner',
};

export const DEFAULT_ALIAS = 'production';
