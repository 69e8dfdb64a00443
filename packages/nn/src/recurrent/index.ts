export { LSTM } from './lstm.js';
export {
  type LstmParams,
  type LstmSequenceResult,
  type LstmState,
  lstmForward,
  lstmHiddenSize,
  lstmStep,
} from './lstm-cell.js';
export type { RecurrentOptions } from './options.js';
export { RNN } from './rnn.js';
export { type RnnParams, type RnnSequenceResult, rnnForward, rnnStep } from './rnn-cell.js';
export { detachState, type RecurrentState } from './state.js';
export {
  type TbpttChunk,
  type TbpttChunkDone,
  type TbpttOptions,
  type TbpttResult,
  truncatedBptt,
} from './tbptt.js';
