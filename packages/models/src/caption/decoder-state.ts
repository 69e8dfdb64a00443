import { LSTM, type RNN } from '@ocellus/nn/recurrent';
import { indexSelect, type Tensor } from '@ocellus/tensor';

/**
 * The decoder's recurrent state: the hidden state `[N, H]`, the cell state for an LSTM, and with
 * coverage the attention summed over the steps so far `[N, cells]`, with ordered attention the last
 * word's centre x `[N]` (in cells; -1 before the first word).
 */
export interface DecoderState {
  h: Tensor;
  c: Tensor | null;
  coverage: Tensor | null;
  lastCentre: Tensor | null;
}

/** One step of the spec's cell on inputs `x [N, D]`: the next hidden (and cell) state. */
export function cellStep(cell: RNN | LSTM, x: Tensor, state: DecoderState): Pick<DecoderState, 'h' | 'c'> {
  if (!(cell instanceof LSTM)) return { h: cell.step(x, state.h), c: null };
  if (state.c === null) throw new Error('an LSTM step needs a cell state');
  return cell.step(x, { h: state.h, c: state.c });
}

/** The same values cut from the graph (truncated BPTT). */
export function detachState(state: DecoderState): DecoderState {
  return {
    h: state.h.detach(),
    c: state.c?.detach() ?? null,
    coverage: state.coverage?.detach() ?? null,
    lastCentre: state.lastCentre,
  };
}

/** Rows `rows` of the state, in that order (beam search's surviving hypotheses). */
export function selectState(state: DecoderState, rows: ArrayLike<number>): DecoderState {
  const select = (t: Tensor | null) => (t ? indexSelect(t, 0, rows) : null);
  return {
    h: indexSelect(state.h, 0, rows),
    c: select(state.c),
    coverage: select(state.coverage),
    lastCentre: select(state.lastCentre),
  };
}
