import { type ModelSummaryBody, modelSummarySchema } from '@ocellus/contracts';
import { z } from 'zod';
import { apiJson } from './api.js';

/** `GET /v1/models`, parsed by its contract. */
export const listModels = (): Promise<ModelSummaryBody[]> =>
  apiJson('/v1/models', z.array(modelSummarySchema));
