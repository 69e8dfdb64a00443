export { openRegistry } from './fs-registry.js';
export { isAliasName, isModelName, isVersionNumber, parseVersionDir } from './names.js';
export { type FsRegistry, PUBLISH_STEPS, type PublishStep, type RegistryOptions } from './options.js';
export { type DecodedSafetensors, decodeSafetensors, encodeSafetensors } from './safetensors.js';
export {
  type InputSpec,
  type Manifest,
  type ModelSummary,
  type PublishInput,
  type Registry,
  RegistryError,
  type RegistryErrorCode,
  type RegistryEvent,
  type TensorData,
  type TensorDType,
  type TensorRecord,
  type VersionSelector,
} from './types.js';
