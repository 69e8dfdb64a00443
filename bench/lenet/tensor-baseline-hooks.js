// Module resolution hooks registered by tensor-baseline.js: '@ocellus/tensor[/sub]' -> <root>/dist[/sub]/index.js,
// as packages/tensor's exports map them.
import { pathToFileURL } from 'node:url';

const PACKAGE = '@ocellus/tensor';
let root;

export function initialize(data) {
  root = data.root;
  if (!root) throw new Error('tensor-baseline: set OCELLUS_TENSOR_BASELINE to a copy of packages/tensor');
}

export function resolve(specifier, context, next) {
  if (specifier !== PACKAGE && !specifier.startsWith(`${PACKAGE}/`)) return next(specifier, context);
  const sub = specifier.slice(PACKAGE.length);
  return { url: pathToFileURL(`${root}/dist${sub}/index.js`).href, format: 'module', shortCircuit: true };
}
