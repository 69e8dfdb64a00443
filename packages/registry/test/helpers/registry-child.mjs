// A second process using the registry, for crash, race and watch tests.
// argv[2] is JSON: {command: 'publish', root, model, count, seed, jobId?, killAt?, startAt?} or {command: 'watch-idle', root}.
import { openRegistry } from '@ocellus/registry';

const options = JSON.parse(process.argv[2]);

function tensors(seed) {
  return {
    'conv1.weight': {
      dtype: 'F32',
      shape: [2, 1, 3, 3],
      data: Float32Array.from({ length: 18 }, (_, i) => seed + i / 8),
    },
    'conv1.bias': { dtype: 'F64', shape: [2], data: Float64Array.from([seed, -seed]) },
  };
}

if (options.command === 'publish') {
  const registry = openRegistry(options.root, {
    // SIGKILL: no catch, no finally, no exit handler runs, as in a power cut for the process.
    faults: (step) => {
      if (step === options.killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  if (options.startAt)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.startAt - Date.now())));
  const manifests = await Promise.all(
    Array.from({ length: options.count ?? 1 }, (_, i) =>
      registry.publish(options.model, {
        task: 'classify',
        architecture: { type: 'mlp' },
        inputSpec: { channels: 1, height: 2, width: 2 },
        preprocessing: {},
        labels: ['a', 'b'],
        metrics: {},
        tensors: tensors(options.seed + i),
        trainingJobId: options.jobId ?? null,
      }),
    ),
  );
  process.stdout.write(JSON.stringify(manifests.map((m) => m.version)));
} else if (options.command === 'watch-idle') {
  // Never unsubscribed: the process must still exit on its own.
  openRegistry(options.root, { pollIntervalMs: 50 }).watch(() => {});
}
