export {
  accuracy,
  confusionMatrix,
  perClassAccuracy,
  perClassAccuracyFromMatrix,
  topKAccuracy,
} from './classification.js';
export { renderConfusionMatrix } from './table.js';
