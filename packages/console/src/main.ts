import './styles.css';
import { messageOf } from './api.js';
import { h } from './dom.js';

type Mount = (root: HTMLElement, params: URLSearchParams, signal: AbortSignal) => Promise<void>;

/** Each page is its own chunk: the Try page never loads the charting library. */
const PAGES: Record<string, () => Promise<{ mount: Mount }>> = {
  try: () => import('./try/page.js'),
  models: () => import('./models/page.js'),
  training: () => import('./training/page.js'),
};
const TITLES: Record<string, string> = { try: 'Try', models: 'Models', training: 'Training' };

let current: AbortController | null = null;

/** `#/models?model=digits-cnn` is the Models page with its query; anything unknown is the Try page. */
async function route(): Promise<void> {
  const root = document.getElementById('page');
  if (!root) return;
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const name = path in PAGES ? path : 'try';
  current?.abort();
  const controller = new AbortController();
  current = controller;
  document.title = `${TITLES[name]} · Ocellus console`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  root.replaceChildren(h('p', { role: 'status' }, 'Loading…'));
  try {
    const page = await PAGES[name]?.();
    await page?.mount(root, new URLSearchParams(query), controller.signal);
  } catch (error) {
    if (!controller.signal.aborted)
      root.replaceChildren(h('p', { role: 'alert', className: 'error' }, messageOf(error)));
  }
}

window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('page')?.focus());
});
void route();
