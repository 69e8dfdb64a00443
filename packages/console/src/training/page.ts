import { h } from '../dom.js';
import { jobForm } from './form.js';
import { pastJobs } from './history.js';
import { jobView } from './job.js';

/** Training: a new job from a form or JSON, the chosen job followed live, and the past jobs. */
export async function mount(root: HTMLElement, params: URLSearchParams, signal: AbortSignal): Promise<void> {
  const history = pastJobs();
  const id = params.get('job');
  const form = jobForm((created) => {
    location.hash = `#/training?job=${encodeURIComponent(created)}`;
  });
  root.replaceChildren(
    h('h1', {}, 'Training'),
    ...(id ? [jobView(id, signal, () => void history.reload())] : []),
    form,
    history.element,
  );
  await history.reload();
}
