import type { Module } from '@ocellus/nn/module';

/**
 * Leaf layers with running statistics (batchnorm) whose parameters are all frozen. Training keeps
 * them in eval mode, so a frozen backbone computes exactly the features it was trained to compute.
 */
export function frozenNormLayers(network: Module): Module[] {
  const children = network.namedChildren();
  if (children.length > 0) return children.flatMap(([, child]) => frozenNormLayers(child));
  const params = network.parameters();
  const frozen = params.length > 0 && params.every((p) => !p.requiresGrad);
  return frozen && network.namedBuffers().length > 0 ? [network] : [];
}
