import { datasetStoreRoot, openDatasetStore } from '@ocellus/datasets';
import fp from 'fastify-plugin';

/** The dataset store beside the registry's models (`<registry>/.datasets`), shared by every API replica. */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    fastify.decorate(
      'datasets',
      openDatasetStore(datasetStoreRoot(config.registryRoot), {
        limits: { maxArchiveBytes: config.datasetMaxUploadBytes },
      }),
    );
  },
  { name: 'ocellus-datasets', dependencies: ['ocellus-context'] },
);
