import {
  DEFAULT_ALIAS,
  DEFAULT_MODEL_OF_TASK,
  type ModelSummaryBody,
  TASKS,
  type Task,
} from '@ocellus/contracts';
import { api, messageOf } from '../api.js';
import { h } from '../dom.js';
import { listModels } from '../models-list.js';
import { imageInput } from './input.js';
import { resultView } from './results.js';

/** Detect and segment ask for everything above this, so the page's slider can go below the API's 0.5. */
const REQUEST_THRESHOLD = 0.05;

function select(id: string, label: string): [HTMLLabelElement, HTMLSelectElement] {
  return [h('label', { htmlFor: id }, label), h('select', { id, name: id })];
}

function fill(select: HTMLSelectElement, options: [value: string, text: string, disabled?: boolean][]) {
  select.replaceChildren(
    ...options.map(([value, text, disabled = false]) => h('option', { value, disabled }, text)),
  );
}

/** The query of one inference request: model, version or alias, and the task's own options. */
function query(task: Task, model: string, selection: string): URLSearchParams {
  const [kind, value = ''] = selection.split(':');
  const params = new URLSearchParams({ model, [kind === 'version' ? 'version' : 'alias']: value });
  if (task === 'detect' || task === 'segment') params.set('scoreThreshold', String(REQUEST_THRESHOLD));
  if (task === 'caption') params.set('attention', 'true');
  return params;
}

/** Try: an image (picked, dropped, pasted or drawn) sent to a task, model and version; the result drawn on it. */
export async function mount(root: HTMLElement, params: URLSearchParams, signal: AbortSignal): Promise<void> {
  const [taskLabel, taskSelect] = select('task', 'Task');
  const [modelLabel, modelSelect] = select('model', 'Model');
  const [versionLabel, versionSelect] = select('version', 'Version or alias');
  const output = h('section', { className: 'output', aria: { live: 'polite', label: 'Result' } });
  const status = h('p', { className: 'status', role: 'status' });
  let models: ModelSummaryBody[] = [];
  let previewUrl: string | null = null;
  signal.addEventListener('abort', () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  });

  const chosen = () => models.find((m) => m.name === modelSelect.value);
  const showVersions = (wanted?: string) => {
    const model = chosen();
    if (!model) return fill(versionSelect, []);
    fill(versionSelect, [
      ...Object.entries(model.aliases).map(([alias, v]): [string, string] => [
        `alias:${alias}`,
        `${alias} (v${v})`,
      ]),
      ...[...model.versions].reverse().map((v): [string, string] => [`version:${v}`, `version ${v}`]),
    ]);
    const fallback =
      model.aliases[DEFAULT_ALIAS] !== undefined ? `alias:${DEFAULT_ALIAS}` : versionSelect.value;
    versionSelect.value = wanted ?? fallback;
  };
  const selectedTask = () => TASKS.find((t) => t === taskSelect.value);
  const showModels = (wantedModel?: string | null, wantedVersion?: string) => {
    const task = selectedTask();
    const names = models.filter((m) => m.task === task).map((m) => m.name);
    fill(
      modelSelect,
      names.map((n) => [n, n]),
    );
    const preferred = [wantedModel, task && DEFAULT_MODEL_OF_TASK[task]].find((n) => n && names.includes(n));
    if (preferred) modelSelect.value = preferred;
    showVersions(wantedVersion);
  };

  const run = async (image: Blob, name: string) => {
    const task = selectedTask();
    const model = modelSelect.value;
    if (!task || !model) {
      status.textContent = 'Pick a task with a model first.';
      return;
    }
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(image);
    status.textContent = `Sending ${name} to ${model}…`;
    output.replaceChildren();
    const form = new FormData();
    form.append('image', image, name);
    const started = performance.now();
    try {
      const response = await api(`/v1/${task}?${query(task, model, versionSelect.value)}`, {
        method: 'POST',
        body: form,
        signal,
      });
      const body: unknown = await response.json();
      output.replaceChildren(resultView(task, body, previewUrl, performance.now() - started));
      status.textContent = `${name}: done.`;
    } catch (error) {
      if (signal.aborted) return;
      status.textContent = '';
      output.replaceChildren(h('p', { role: 'alert', className: 'error' }, messageOf(error)));
    }
  };

  root.replaceChildren(
    h('h1', {}, 'Try a model'),
    h(
      'form',
      { className: 'pickers', aria: { label: 'Model' } },
      h('div', { className: 'field' }, taskLabel, taskSelect),
      h('div', { className: 'field' }, modelLabel, modelSelect),
      h('div', { className: 'field' }, versionLabel, versionSelect),
    ),
    h('div', { className: 'try' }, imageInput(run, signal), h('div', {}, status, output)),
  );

  try {
    models = await listModels();
  } catch (error) {
    status.textContent = messageOf(error);
  }
  const withModels = new Set(models.map((m) => m.task));
  fill(
    taskSelect,
    TASKS.map((t) => [t, withModels.has(t) ? t : `${t} (no model yet)`, !withModels.has(t)]),
  );
  const wantedTask =
    TASKS.find((t) => t === params.get('task')) ?? models.find((m) => m.name === params.get('model'))?.task;
  taskSelect.value =
    wantedTask ?? (withModels.has('classify') ? 'classify' : (models[0]?.task ?? 'classify'));
  const version = params.get('version');
  const alias = params.get('alias');
  showModels(params.get('model'), version ? `version:${version}` : alias ? `alias:${alias}` : undefined);
  taskSelect.addEventListener('change', () => showModels());
  modelSelect.addEventListener('change', () => showVersions());
}
