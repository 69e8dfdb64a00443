import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** `test/compose/run.sh` alone runs this suite: it needs the Docker stack that script builds. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['stack.e2e.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
