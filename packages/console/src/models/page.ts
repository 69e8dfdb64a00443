import {
  DEFAULT_ALIAS,
  type ModelDetail,
  type ModelSummaryBody,
  modelDetailSchema,
  setAliasResponseSchema,
  type VersionSummary,
} from '@ocellus/contracts';
import { api, apiJson, jsonBody, messageOf } from '../api.js';
import { h } from '../dom.js';
import { bytes, dateTime, formatMetric } from '../format.js';
import { listModels } from '../models-list.js';
import { versionDetails } from './details.js';

const modelPath = (name: string) => `/v1/models/${encodeURIComponent(name)}`;

/** The metrics a version's row shows: its test results, or its validation ones when it has none. */
function headlineMetrics(version: VersionSummary): string {
  const entries = Object.entries(version.metrics);
  const test = entries.filter(([name]) => name.startsWith('test'));
  const shown = test.length > 0 ? test : entries.filter(([name]) => name.startsWith('val'));
  return shown.map(([name, value]) => `${name} ${formatMetric(name, value)}`).join(', ') || '—';
}

/** One model: its versions with metrics, size, training job and aliases, and the actions on them. */
function modelCard(summary: ModelSummaryBody, open: number | null): HTMLElement {
  const card = h('section', { className: 'card model', aria: { labelledby: `model-${summary.name}` } });
  const status = h('p', { role: 'status', className: 'status' });
  const aliasInput = h('input', {
    id: `alias-${summary.name}`,
    value: DEFAULT_ALIAS,
    pattern: '[a-z][a-z0-9-]*',
    required: true,
  });
  const aliasNames = h('datalist', { id: `aliases-${summary.name}` });
  aliasInput.setAttribute('list', aliasNames.id);

  const act = async (what: () => Promise<string>) => {
    status.textContent = 'Working…';
    try {
      status.textContent = await what();
      await render();
    } catch (error) {
      status.replaceChildren(h('span', { role: 'alert', className: 'error' }, messageOf(error)));
    }
  };

  const row = (detail: ModelDetail, version: VersionSummary) => {
    const alias = aliasInput.value;
    const current = detail.aliases[alias];
    const move = h(
      'button',
      { type: 'button', disabled: current === version.version },
      current === undefined || version.version >= current ? 'Promote' : 'Roll back',
    );
    move.setAttribute('aria-label', `Point ${alias} at version ${version.version}`);
    move.addEventListener('click', () =>
      act(async () => {
        const moved = await apiJson(
          `${modelPath(detail.name)}/aliases/${encodeURIComponent(aliasInput.value)}`,
          setAliasResponseSchema,
          { method: 'PUT', ...jsonBody({ version: version.version }) },
        );
        const was = moved.previous === null ? 'unset' : `v${moved.previous}`;
        return `${moved.alias} now points at v${moved.version} (was ${was}).`;
      }),
    );
    const remove = h('button', { type: 'button', className: 'danger' }, 'Delete');
    remove.setAttribute('aria-label', `Delete version ${version.version}`);
    remove.addEventListener('click', () => {
      if (!window.confirm(`Delete ${detail.name} version ${version.version}?`)) return;
      act(async () => {
        await api(`${modelPath(detail.name)}/versions/${version.version}`, { method: 'DELETE' });
        return `Version ${version.version} deleted.`;
      });
    });
    const detailsRow = h('tr', { className: 'details-row', hidden: true });
    const more = h('button', { type: 'button', className: 'secondary', ariaExpanded: 'false' }, 'Details');
    more.addEventListener('click', async () => {
      const opening = detailsRow.hidden;
      detailsRow.hidden = !opening;
      more.ariaExpanded = String(opening);
      if (!opening || detailsRow.childElementCount > 0) return;
      const cell = h('td', { colSpan: 7 }, 'Loading…');
      detailsRow.append(cell);
      cell.replaceChildren(
        await versionDetails(detail.name, version.version).catch((error) =>
          h('p', { role: 'alert', className: 'error' }, messageOf(error)),
        ),
      );
    });
    const job = version.trainingJobId;
    const tr = h(
      'tr',
      { dataset: { version: String(version.version) } },
      h('th', { scope: 'row' }, `v${version.version}`),
      h('td', {}, ...version.aliases.map((a) => h('span', { className: 'badge' }, a))),
      h('td', {}, headlineMetrics(version)),
      h('td', {}, bytes(version.bytes)),
      h('td', {}, dateTime(version.created)),
      h('td', {}, job ? h('a', { href: `#/training?job=${encodeURIComponent(job)}` }, 'job') : 'shipped'),
      h('td', { className: 'actions' }, move, remove, more),
    );
    if (open === version.version) {
      queueMicrotask(() => {
        more.click();
        tr.scrollIntoView({ block: 'start' });
      });
    }
    return [tr, detailsRow];
  };

  const render = async () => {
    const detail = await apiJson(modelPath(summary.name), modelDetailSchema);
    aliasNames.replaceChildren(...Object.keys(detail.aliases).map((a) => h('option', { value: a })));
    const rows = () => [...detail.manifests].reverse().flatMap((v) => row(detail, v));
    const body = h('tbody', {}, ...rows());
    aliasInput.oninput = () => {
      if (aliasInput.checkValidity()) body.replaceChildren(...rows());
    };
    card.replaceChildren(
      h('h2', { id: `model-${detail.name}` }, detail.name),
      h(
        'p',
        { className: 'muted' },
        `${detail.task} · ${detail.architecture.type} · aliases: ${
          Object.entries(detail.aliases)
            .map(([a, v]) => `${a} → v${v}`)
            .join(', ') || 'none'
        }`,
      ),
      h(
        'div',
        { className: 'field inline' },
        h('label', { htmlFor: aliasInput.id }, 'Alias to move'),
        aliasInput,
      ),
      aliasNames,
      h(
        'div',
        { className: 'scroll' },
        h(
          'table',
          { className: 'versions' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Version', 'Aliases', 'Metrics', 'Size', 'Created', 'Training', 'Actions'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          body,
        ),
      ),
      status,
    );
  };
  render().catch((error) => card.replaceChildren(h('p', { role: 'alert' }, messageOf(error))));
  return card;
}

/** Models: every model in the registry with its versions; promote, roll back, delete, inspect. */
export async function mount(root: HTMLElement, params: URLSearchParams): Promise<void> {
  root.replaceChildren(h('h1', {}, 'Models'), h('p', { role: 'status' }, 'Loading…'));
  const models = await listModels();
  const wanted = params.get('model');
  const version = Number(params.get('version')) || null;
  root.replaceChildren(
    h('h1', {}, 'Models'),
    ...(models.length === 0
      ? [h('p', {}, 'The registry is empty: train a model on the Training page.')]
      : []),
    ...models.map((m) => modelCard(m, m.name === wanted ? version : null)),
  );
}
