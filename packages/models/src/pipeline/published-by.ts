import { type Manifest, type Registry, RegistryError } from '@ocellus/registry';

/** The version of `model` that job `jobId` already published, if any (a retry after a crash). */
export async function publishedBy(
  registry: Registry,
  model: string,
  jobId: string,
): Promise<Manifest | undefined> {
  try {
    const { manifests } = await registry.describe(model);
    return manifests.find((manifest) => manifest.trainingJobId === jobId);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}
