// A separate process that trains and publishes a version: `node publish-process.mjs <registry root> <job spec JSON>`.
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { runTrainingJob } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';

const [root, spec] = process.argv.slice(2);
const { manifest } = await runTrainingJob(defaultJobSpecSchema.parse(JSON.parse(spec)), {
  registry: openRegistry(root),
  jobId: `e2e-${process.pid}`,
});
process.stdout.write(`${JSON.stringify({ version: manifest.version })}\n`);
