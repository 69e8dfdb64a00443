import type { JobProgress } from '@ocellus/contracts';
import { api, messageOf } from '../api.js';
import { h } from '../dom.js';
import { duration, formatMetric } from '../format.js';
import { Curves, type Point } from './chart.js';
import { followJob, getJob, type Job, type JobEvent, jobPath } from './records.js';

const ACTIVE = new Set(['QUEUED', 'RUNNING', 'CANCELLING']);
/** The epoch's history entry is written just after its last progress event goes out. */
const HISTORY_DELAY_MS = 300;
const LOG_LINES = 50;

type LiveProgress = Extract<JobEvent, { name: 'progress' }>['data'];

/** Fractional epochs: step 30 of 60 in epoch 2 is 1.5. */
const stepPoint = (p: JobProgress): Point => ({
  x: Math.max(0, p.epoch - 1) + p.step / Math.max(p.steps, 1),
  values: p.metrics,
});

const epochPoints = (job: Job): Point[] => job.history.map(({ epoch, ...values }) => ({ x: epoch, values }));

function stateLine(job: Job, live: LiveProgress | null): string {
  const p = live ?? job.progress;
  const status = live && job.status === 'QUEUED' ? 'RUNNING' : job.status;
  const phase = ACTIVE.has(job.status) ? (live?.phase ?? job.phase) : null;
  const parts = [`${job.spec.model} (${job.spec.task})`, status];
  if (phase) parts.push(phase.replaceAll('_', ' ').toLowerCase());
  if (p) parts.push(`epoch ${p.epoch}/${p.epochs}`, `step ${p.step}/${p.steps}`, `${p.percent.toFixed(0)}%`);
  const eta = p?.metrics.etaSeconds;
  if (eta !== undefined && ACTIVE.has(status)) parts.push(`about ${duration(eta)} left`);
  return parts.join(' · ');
}

function published(job: Job): HTMLElement | null {
  if (job.result) {
    const { model, version, metrics } = job.result;
    const shown = Object.entries(metrics)
      .filter(([name]) => name.startsWith('test'))
      .map(([name, value]) => `${name} ${formatMetric(name, value)}`);
    return h(
      'p',
      { className: 'published' },
      'Published ',
      h('a', { href: `#/models?model=${model}&version=${version}` }, `${model} v${version}`),
      shown.length > 0 ? ` (${shown.join(', ')})` : '',
      ' · ',
      h('a', { href: `#/try?model=${model}&version=${version}` }, 'try it'),
    );
  }
  return job.failureReason ? h('p', { role: 'alert', className: 'error' }, job.failureReason) : null;
}

/**
 * One job followed live: status, phase, progress and ETA; a curve per logged loss and metric per step
 * (from the event stream, replayed from the start) and per epoch (from the record's history); cancel;
 * the published version once it exists.
 */
export function jobView(id: string, signal: AbortSignal, onFinished: () => void): HTMLElement {
  const title = h('h2', { id: 'job-title' }, `Job ${id}`);
  const state = h('p', { className: 'job-state', role: 'status' }, 'Loading…');
  const bar = h('progress', { max: 100, value: 0 });
  bar.setAttribute('aria-labelledby', 'job-title');
  const cancel = h('button', { type: 'button', className: 'danger', disabled: true }, 'Cancel job');
  const outcome = h('div', { className: 'outcome', aria: { live: 'polite' } });
  const steps = new Curves('Per step', 'epoch');
  const epochs = new Curves('Per epoch', 'epoch');
  const log = h('ol', { className: 'log', aria: { label: 'Job log' } });

  let record: Job | null = null;
  let live: LiveProgress | null = null;
  let pending: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => {
    clearTimeout(pending);
    steps.destroy();
    epochs.destroy();
  });
  const report = (error: unknown) => {
    if (!signal.aborted)
      outcome.replaceChildren(h('p', { role: 'alert', className: 'error' }, messageOf(error)));
  };
  const show = () => {
    if (record === null) return;
    state.textContent = stateLine(record, live);
    bar.value = record.status === 'SUCCEEDED' ? 100 : ((live ?? record.progress)?.percent ?? 0);
    cancel.disabled = !(record.status === 'QUEUED' || record.status === 'RUNNING');
  };
  const refresh = async () => {
    const job = await getJob(id);
    record = job;
    epochs.clear();
    epochs.push(epochPoints(job));
    show();
    const result = published(job);
    if (result) outcome.replaceChildren(result);
  };
  const refreshSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => refresh().catch(report), HISTORY_DELAY_MS);
  };

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await api(`${jobPath(id)}/cancel`, { method: 'POST' });
      await refresh();
    } catch (error) {
      report(error);
    }
  });

  (async () => {
    await refresh();
    for await (const event of followJob(id, signal)) {
      if (event.name === 'progress') {
        live = event.data;
        steps.push([stepPoint(event.data)]);
        show();
        if (event.data.step === event.data.steps) refreshSoon();
      } else if (event.name === 'log') {
        log.append(h('li', {}, `${new Date(event.data.time).toLocaleTimeString()} ${event.data.message}`));
        if (log.childElementCount > LOG_LINES) log.firstElementChild?.remove();
      } else {
        clearTimeout(pending);
        await refresh();
        onFinished();
      }
    }
  })().catch(report);

  return h(
    'section',
    { className: 'card job', aria: { labelledby: 'job-title' }, dataset: { job: id } },
    title,
    state,
    bar,
    h('div', { className: 'row' }, cancel),
    outcome,
    h('div', { className: 'charts' }, steps.element, epochs.element),
    h('details', {}, h('summary', {}, 'Log'), log),
  );
}
