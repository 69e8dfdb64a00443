import {
  createJobResponseSchema,
  DEFAULT_MAX_EPOCHS,
  jobSpecSchema,
  toValidationIssues,
  type ValidationIssue,
} from '@ocellus/contracts';
import { ApiFailure, apiJson, jsonBody, messageOf } from '../api.js';
import { h } from '../dom.js';

/** The page checks specs with the API's own schema; the API checks again with the deployment's caps. */
const specSchema = jobSpecSchema({ maxEpochs: DEFAULT_MAX_EPOCHS });

interface Field {
  id: string;
  label: string;
  /** Where the value goes in the spec, as the API's issues name it. */
  path: string;
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

/** The classifier families the form offers; `hidden` is the mlp's layer widths. */
const ARCHITECTURES: Record<string, (hidden: number[]) => object> = {
  'linear softmax': () => ({ type: 'linear', loss: 'softmax' }),
  'linear SVM': () => ({ type: 'linear', loss: 'svm' }),
  mlp: (hidden) => ({ type: 'mlp', hidden }),
  cnn: () => ({ type: 'cnn' }),
  knn: () => ({ type: 'knn' }),
};
const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad'];

const widths = (text: string) =>
  text
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map(Number);

function field(id: string, label: string, path: string, input: HTMLInputElement | HTMLSelectElement): Field {
  input.id = id;
  input.name = id;
  const error = h('span', { className: 'field-error', id: `${id}-error` });
  input.setAttribute('aria-describedby', error.id);
  return { id, label, path, input, error };
}

const text = (value: string) => h('input', { type: 'text', value, autocomplete: 'off' });
const number = (value: string, step = 'any') =>
  h('input', { type: 'number', value, step, inputMode: 'decimal' });
const choice = (options: string[]) => h('select', {}, ...options.map((o) => h('option', { value: o }, o)));

/**
 * Submit a training job: the common fields of a digits classifier as a form, or any spec as JSON. Both are
 * checked with the job spec's zod schema before they are sent; each issue shows at its field.
 */
export function jobForm(onSubmitted: (id: string) => void): HTMLElement {
  const fields = [
    field('spec-model', 'Model name', 'model', text('digits-console')),
    field('spec-architecture', 'Architecture', 'architecture', choice(Object.keys(ARCHITECTURES))),
    field('spec-hidden', 'Hidden layers (mlp)', 'architecture.hidden', text('256')),
    field('spec-train', 'Training digits', 'dataset.train', number('2000', '1')),
    field('spec-validation', 'Validation digits', 'dataset.validation', number('200', '1')),
    field('spec-test', 'Test digits', 'dataset.test', number('500', '1')),
    field('spec-optimizer', 'Optimizer', 'optimizer.type', choice(OPTIMIZERS)),
    field('spec-lr', 'Learning rate', 'optimizer.lr', number('0.001')),
    field('spec-epochs', 'Epochs', 'schedule.epochs', number('5', '1')),
    field('spec-batch', 'Batch size', 'schedule.batchSize', number('64', '1')),
    field('spec-l2', 'L2 regularization', 'regularization.l2', number('0.0001')),
    field('spec-promote', 'Promote to alias (optional)', 'promote', text('')),
    field('spec-seed', 'Seed', 'seed', number('1', '1')),
  ];
  const value = (id: string) => fields.find((f) => f.id === id)?.input.value ?? '';
  const count = (id: string) => (value(id) === '' ? undefined : Number(value(id)));
  const fromForm = () => ({
    task: 'classify',
    model: value('spec-model'),
    architecture: ARCHITECTURES[value('spec-architecture')]?.(widths(value('spec-hidden'))),
    dataset: {
      name: 'mnist',
      train: count('spec-train'),
      validation: count('spec-validation'),
      test: count('spec-test'),
    },
    optimizer: { type: value('spec-optimizer'), lr: count('spec-lr') },
    regularization: { l2: count('spec-l2') },
    schedule: { epochs: count('spec-epochs'), batchSize: count('spec-batch') },
    ...(value('spec-promote') === '' ? {} : { promote: value('spec-promote') }),
    seed: count('spec-seed'),
  });

  const json = h('textarea', { id: 'spec-json', rows: 18, spellcheck: false });
  const jsonErrors = h('ul', { className: 'issues', id: 'spec-json-errors', aria: { live: 'polite' } });
  json.setAttribute('aria-describedby', jsonErrors.id);
  const formErrors = h('ul', { className: 'issues', aria: { live: 'polite' } });

  const clear = () => {
    for (const f of fields) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
    formErrors.replaceChildren();
    jsonErrors.replaceChildren();
  };
  /** Issues at their fields when the form was sent, else listed by path under the JSON. */
  const showIssues = (issues: readonly ValidationIssue[], fromJson: boolean) => {
    for (const issue of issues) {
      const target = fromJson
        ? undefined
        : fields.find((f) => issue.path === f.path || issue.path.startsWith(`${f.path}.`));
      if (target) {
        target.error.textContent = issue.message;
        target.input.setAttribute('aria-invalid', 'true');
      } else {
        (fromJson ? jsonErrors : formErrors).append(h('li', {}, `${issue.path || 'spec'}: ${issue.message}`));
      }
    }
    const first = fromJson ? json : fields.find((f) => f.input.hasAttribute('aria-invalid'))?.input;
    first?.focus();
  };

  const submit = async (spec: unknown, fromJson: boolean) => {
    clear();
    const parsed = specSchema.safeParse(spec);
    if (!parsed.success) return showIssues(toValidationIssues(parsed.error.issues), fromJson);
    try {
      const created = await apiJson('/v1/jobs', createJobResponseSchema, {
        method: 'POST',
        ...jsonBody(spec),
      });
      onSubmitted(created.id);
    } catch (error) {
      if (error instanceof ApiFailure && error.body?.issues) return showIssues(error.body.issues, fromJson);
      (fromJson ? jsonErrors : formErrors).append(h('li', { role: 'alert' }, messageOf(error)));
    }
  };

  const form = h(
    'form',
    { className: 'job-form', noValidate: true },
    h(
      'div',
      { className: 'grid' },
      ...fields.map((f) =>
        h('div', { className: 'field' }, h('label', { htmlFor: f.id }, f.label), f.input, f.error),
      ),
    ),
    formErrors,
    h('button', { type: 'submit' }, 'Start training'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(fromForm(), false);
  });

  const jsonForm = h(
    'form',
    { className: 'json-form', noValidate: true },
    h('label', { htmlFor: json.id }, 'Job spec (API.md "Training jobs"): any task, any field'),
    json,
    jsonErrors,
    h('button', { type: 'submit' }, 'Start training from JSON'),
  );
  jsonForm.addEventListener('submit', (event) => {
    event.preventDefault();
    let spec: unknown;
    try {
      spec = JSON.parse(json.value);
    } catch (error) {
      clear();
      jsonErrors.append(h('li', { role: 'alert' }, `not JSON: ${messageOf(error)}`));
      return;
    }
    void submit(spec, true);
  });
  const jsonPanel = h('details', { className: 'json' }, h('summary', {}, 'Full JSON spec'), jsonForm);
  jsonPanel.addEventListener('toggle', () => {
    if (jsonPanel.open && json.value === '') json.value = JSON.stringify(fromForm(), null, 2);
  });

  return h(
    'section',
    { className: 'card', aria: { label: 'New training job' } },
    h('h2', {}, 'New job'),
    form,
    jsonPanel,
  );
}
