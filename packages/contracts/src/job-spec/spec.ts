import { z } from 'zod';
import { aliasNameSchema, modelNameSchema } from '../names.js';
import { TASK_OF_ARCHITECTURE, taskSchema } from '../tasks.js';
import { type Architecture, architectureSchema } from './architecture.js';
import { augmentationSchema, datasetSchema, isStoredDataset, preprocessingSchema } from './data.js';
import { optimizerSchema } from './optimizer.js';
import {
  DEFAULT_MAX_EPOCHS,
  initSchema,
  regularizationSchema,
  scheduleSchema,
  searchSchema,
  transferFromSchema,
} from './training.js';

/** Which tasks each built-in dataset can train; a stored dataset's tasks are in its manifest. */
const TASKS_OF_DATASET = {
  mnist: ['classify'],
  'digit-loc': ['localize'],
  'digit-scenes': ['detect', 'segment', 'caption'],
} as const;

export interface JobSpecLimits {
  maxEpochs: number;
  /** Dimensions of `search.space`; unbounded when absent (the trainer re-reads specs the API accepted). */
  maxSearchDimensions?: number;
}

/** The training job spec (API.md "Training jobs"), with the epoch and search-space caps of the deployment. */
export function jobSpecSchema({ maxEpochs, maxSearchDimensions }: JobSpecLimits) {
  return z
    .object({
      task: taskSchema,
      model: modelNameSchema,
      architecture: architectureSchema,
      dataset: datasetSchema.prefault({ name: 'mnist' }),
      preprocessing: preprocessingSchema,
      augmentation: augmentationSchema,
      init: initSchema,
      optimizer: optimizerSchema.prefault({ type: 'adam' }),
      regularization: regularizationSchema,
      schedule: scheduleSchema(maxEpochs),
      search: searchSchema(maxSearchDimensions).optional(),
      transferFrom: transferFromSchema.optional(),
      promote: aliasNameSchema.optional().describe('alias to move to the new version once it is published'),
      seed: z
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .default(1),
    })
    .superRefine((spec, ctx) => {
      const expected = TASK_OF_ARCHITECTURE[spec.architecture.type];
      if (expected !== spec.task) {
        ctx.addIssue({
          code: 'custom',
          path: ['architecture', 'type'],
          message: `architecture '${spec.architecture.type}' solves '${expected}', not '${spec.task}'`,
        });
      }
      // A warm start takes its trunk's conv stack, not the spec's: that model's transfer checks the lists.
      const lists = spec.transferFrom ? [] : mapLists(spec.architecture);
      for (const { path, blocks, last } of lists) {
        if (blocks.some((b) => b > last)) {
          ctx.addIssue({
            code: 'custom',
            path: ['architecture', ...path],
            message: `the conv stack has blocks 0..${last}, not ${blocks.filter((b) => b > last).join(', ')}`,
          });
        }
      }
      const arch = spec.architecture;
      if (arch.type === 'captioner' && arch.attentionSupervision > 0 && !arch.attention) {
        ctx.addIssue({
          code: 'custom',
          path: ['architecture', 'attentionSupervision'],
          message: 'attentionSupervision trains the attention: it needs attention: true',
        });
      }
      if (arch.type === 'captioner' && arch.glimpse && !arch.attention) {
        ctx.addIssue({
          code: 'custom',
          path: ['architecture', 'glimpse'],
          message: 'a glimpse is placed where the attention points: it needs attention: true',
        });
      }
      if (arch.type === 'captioner' && arch.orderAttention) {
        const missing = [
          ...(arch.attention ? [] : ['attention: true']),
          ...(arch.cellSupervision > 0 ? [] : ['cellSupervision > 0']),
          ...(arch.coverage ? ['no coverage'] : []),
        ];
        if (missing.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['architecture', 'orderAttention'],
            message: `orderAttention needs ${missing.join(', ')}`,
          });
        }
      }
      if (arch.type === 'captioner-ensemble') {
        for (const field of ['transferFrom', 'search'] as const) {
          if (spec[field]) {
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: `a captioner-ensemble trains nothing: it has no ${field}`,
            });
          }
        }
      }
      if (isStoredDataset(spec.dataset)) return;
      const datasetTasks: readonly string[] = TASKS_OF_DATASET[spec.dataset.name];
      if (!datasetTasks.includes(spec.task)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dataset', 'name'],
          message: `dataset '${spec.dataset.name}' trains ${datasetTasks.join(' | ')}, not '${spec.task}'`,
        });
      }
    });
}

export const defaultJobSpecSchema = jobSpecSchema({ maxEpochs: DEFAULT_MAX_EPOCHS });
export type JobSpec = z.infer<typeof defaultJobSpecSchema>;
export type JobSpecInput = z.input<typeof defaultJobSpecSchema>;

/** A region detector's lists of conv blocks its RoI heads read, where each sits, and its last block. */
function mapLists(arch: Architecture): { path: string[]; blocks: number[]; last: number }[] {
  if (arch.type !== 'fast-rcnn' && arch.type !== 'faster-rcnn' && arch.type !== 'mask-rcnn') return [];
  const last = arch.layers.length - 1;
  const lists = arch.roiMaps ? [{ path: ['roiMaps'], blocks: arch.roiMaps, last }] : [];
  if (arch.type === 'mask-rcnn' && arch.maskHead.maps) {
    lists.push({ path: ['maskHead', 'maps'], blocks: arch.maskHead.maps, last });
  }
  return lists;
}
