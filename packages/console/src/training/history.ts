import { messageOf } from '../api.js';
import { h } from '../dom.js';
import { dateTime } from '../format.js';
import { listJobs } from './records.js';

const PAST_JOBS = 20;

/** The newest jobs with their outcome; each opens the job's view with its curves. */
export function pastJobs(): { element: HTMLElement; reload: () => Promise<void> } {
  const body = h('tbody');
  const status = h('p', { role: 'status', className: 'muted' });
  const reload = async () => {
    try {
      const jobs = await listJobs(PAST_JOBS);
      status.textContent = jobs.length === 0 ? 'No jobs yet.' : '';
      body.replaceChildren(
        ...jobs.map((job) =>
          h(
            'tr',
            { dataset: { job: job.id } },
            h(
              'td',
              {},
              h('a', { href: `#/training?job=${encodeURIComponent(job.id)}` }, dateTime(job.createdAt)),
            ),
            h('td', {}, job.spec.model),
            h('td', {}, job.spec.task),
            h('td', {}, h('span', { className: `badge ${job.status.toLowerCase()}` }, job.status)),
            h(
              'td',
              {},
              job.result
                ? h(
                    'a',
                    { href: `#/models?model=${job.result.model}&version=${job.result.version}` },
                    `v${job.result.version}`,
                  )
                : (job.failureReason ?? ''),
            ),
          ),
        ),
      );
    } catch (error) {
      status.textContent = messageOf(error);
    }
  };
  const element = h(
    'section',
    { className: 'card', aria: { labelledby: 'past-jobs' } },
    h('h2', { id: 'past-jobs' }, 'Past jobs'),
    status,
    h(
      'div',
      { className: 'scroll' },
      h(
        'table',
        { className: 'jobs' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Submitted', 'Model', 'Task', 'Status', 'Version'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        body,
      ),
    ),
  );
  return { element, reload };
}
