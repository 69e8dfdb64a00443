export { DatasetError, type DatasetErrorCode } from './errors.js';
export type { ImportSource } from './import/import-dataset.js';
export { scaleObjects } from './import/scale-objects.js';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits.js';
export type { InUseCheck } from './store/delete.js';
export { datasetStoreRoot } from './store/layout.js';
export { loadStoredDataset, type StoredDataset } from './store/load.js';
export { type DatasetStore, type DatasetStoreOptions, openDatasetStore } from './store/open-store.js';
