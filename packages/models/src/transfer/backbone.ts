import type { Module } from '@ocellus/nn/module';
import type { NetworkArchitecture } from '../classify/network-builder.js';

export class TransferError extends Error {
  override readonly name = 'TransferError';
}

/**
 * Parameter-name prefixes of a network's backbone, what transfer learning keeps: "0." of a CNN (its
 * conv stack; the head "1." is the FC layers and the classifier), every layer with parameters but
 * the last affine of an MLP (all hidden layers), none for a linear model.
 */
export function backbonePrefixes(arch: NetworkArchitecture, network: Module): string[] {
  if (arch.type === 'cnn') return ['0.'];
  const children = network.namedChildren();
  return children
    .slice(0, -1)
    .filter(([, child]) => child.parameters().length > 0)
    .map(([name]) => `${name}.`);
}

/**
 * `transferFrom.freeze` as parameter prefixes: 'backbone' is the backbone's; any other entry is a
 * dotted module or parameter name ("0.3" freezes every parameter under "0.3."), which must exist.
 */
export function resolveFreeze(
  freeze: readonly string[],
  backbone: readonly string[],
  network: Module,
): string[] {
  const names = network.namedParameters().map(([name]) => name);
  const prefixes = freeze.flatMap((entry) => {
    if (entry === 'backbone') {
      if (backbone.length === 0) throw new TransferError("transferFrom.freeze: this model has no 'backbone'");
      return backbone;
    }
    const under = entry.endsWith('.') ? entry : `${entry}.`;
    if (names.some((name) => name.startsWith(under))) return [under];
    if (names.includes(entry)) return [entry];
    throw new TransferError(
      `transferFrom.freeze: '${entry}' names no parameter (backbone: ${backbone.join(', ') || 'none'}; ` +
        `parameters: ${names.join(', ')})`,
    );
  });
  return [...new Set(prefixes)];
}
