import {
  type ImageFailure,
  type InferenceResponse,
  inferenceResponseSchema,
  type Task,
  type TaskResult,
  type Timing,
} from '@ocellus/contracts';
import { h } from '../dom.js';
import { cssColour, Stage } from './stage.js';

/** Detections at or above this score are drawn until the slider moves it. */
const DEFAULT_THRESHOLD = 0.5;

const percent = (score: number) => `${(100 * score).toFixed(1)}%`;

function timingLine(timing: Timing, roundTripMs: number): HTMLElement {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return h(
    'p',
    { className: 'timing' },
    `decode ${ms(timing.decodeMs)} · queue ${ms(timing.queueMs)} · inference ${ms(timing.inferMs)} · ` +
      `round trip ${ms(roundTripMs)}`,
  );
}

function classifyView(result: TaskResult<'classify'>): HTMLElement {
  return h(
    'ol',
    { className: 'topk', aria: { label: 'Top predictions' } },
    ...result.predictions.map((p) => {
      const bar = h('span', { className: 'bar' });
      bar.style.width = percent(p.score);
      bar.style.backgroundColor = cssColour(p.index);
      return h(
        'li',
        { dataset: { label: p.label } },
        h('span', { className: 'label' }, p.label),
        h('span', { className: 'track' }, bar),
        h('span', { className: 'score' }, percent(p.score)),
      );
    }),
  );
}

function localizeView(result: TaskResult<'localize'>, stage: Stage): HTMLElement {
  stage.addBox(result.box, result.index, `${result.label} ${percent(result.score)}`);
  return h(
    'p',
    { className: 'found' },
    `${result.label} (${percent(result.score)}) at [${result.box.map((v) => v.toFixed(0)).join(', ')}]`,
  );
}

/** Boxes (and masks) with a score slider that hides what falls under it. */
function detectView(result: TaskResult<'detect'> | TaskResult<'segment'>, stage: Stage): HTMLElement {
  const boxes = result.detections.map((d) => ({
    detection: d,
    element: stage.addBox(d.box, d.index, `${d.label} ${d.score.toFixed(2)}`),
  }));
  const slider = h('input', {
    type: 'range',
    id: 'score-threshold',
    min: '0',
    max: '1',
    step: '0.05',
    value: String(DEFAULT_THRESHOLD),
  });
  const count = h('output', { className: 'count' });
  count.setAttribute('for', slider.id);
  const apply = () => {
    const threshold = Number(slider.value);
    const shown = boxes.filter(({ detection, element }) => {
      element.hidden = detection.score < threshold;
      return !element.hidden;
    });
    count.textContent = `${shown.length} of ${boxes.length} detections with score ≥ ${threshold.toFixed(2)}`;
    stage.clear();
    const masks = shown.flatMap(({ detection }) =>
      'mask' in detection ? [{ mask: detection.mask, index: detection.index }] : [],
    );
    if (masks.length > 0) stage.paintMasks(masks);
  };
  slider.addEventListener('input', apply);
  apply();
  return h(
    'div',
    { className: 'detections' },
    h('label', { htmlFor: 'score-threshold' }, 'Score threshold'),
    slider,
    count,
  );
}

function captionView(result: TaskResult<'caption'>, stage: Stage): HTMLElement {
  const { attention, attentionGrid } = result;
  const tokens = result.tokens.map((token, i) => {
    const weights = attention?.[i];
    if (weights === undefined || attentionGrid === undefined) return h('span', { className: 'token' }, token);
    const button = h('button', { type: 'button', className: 'token' }, token);
    button.setAttribute('aria-label', `${token}: show where the model looked`);
    const show = () => stage.paintAttention(weights, attentionGrid.size, attentionGrid.box);
    const hide = () => stage.clear();
    button.addEventListener('mouseenter', show);
    button.addEventListener('focus', show);
    button.addEventListener('mouseleave', hide);
    button.addEventListener('blur', hide);
    return button;
  });
  return h(
    'div',
    { className: 'caption' },
    h('p', { className: 'tokens' }, ...tokens),
    h('p', { className: 'muted' }, `mean log-probability ${result.score.toFixed(3)}`),
    attention ? h('p', { className: 'muted' }, 'Hover or focus a word to see its attention.') : null,
  );
}

function isFailure<R extends object>(result: R | ImageFailure): result is ImageFailure {
  return 'error' in result;
}

/** Parses an inference reply for its task and draws its first image's result on the upload. */
export function resultView(task: Task, body: unknown, url: string, roundTripMs: number): HTMLElement {
  const view = <T extends Task>(
    response: InferenceResponse<T>,
    draw: (result: TaskResult<T>, stage: Stage) => HTMLElement,
  ) => {
    const result = response.results[0];
    if (result === undefined) return h('p', { role: 'alert' }, 'The API returned no result.');
    const stage = new Stage(url, result.image);
    const details = isFailure(result)
      ? h('p', { role: 'alert', className: 'error' }, result.error.error)
      : draw(result, stage);
    return h(
      'div',
      { className: 'result', dataset: { task } },
      stage.element,
      h(
        'div',
        { className: 'details' },
        h('p', { className: 'muted' }, `${response.model} v${response.version}`),
        details,
        timingLine(response.timing, roundTripMs),
      ),
    );
  };
  switch (task) {
    case 'classify':
      return view(inferenceResponseSchema(task).parse(body), classifyView);
    case 'localize':
      return view(inferenceResponseSchema(task).parse(body), localizeView);
    case 'detect':
      return view(inferenceResponseSchema(task).parse(body), detectView);
    case 'segment':
      return view(inferenceResponseSchema(task).parse(body), detectView);
    case 'caption':
      return view(inferenceResponseSchema(task).parse(body), captionView);
  }
}
