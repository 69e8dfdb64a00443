import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metricWords, SHIPPED_SPECS, SHIPPED_TARGETS } from '@ocellus/cli';
import { describe, expect, it } from 'vitest';
import { ocellus } from './helpers.js';

/** The committed specs of models/specs: the shipped registry must hold each one's build, never retrained here. */
const shipped = await Promise.all(
  (await readdir(SHIPPED_SPECS))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map(async (file) => {
      const spec = JSON.parse(await readFile(join(SHIPPED_SPECS, file), 'utf8'));
      return { model: spec.model as string, type: spec.architecture.type as string };
    }),
);

describe('the shipped models', () => {
  it('are built from the committed specs, promoted, and at or above their targets', async () => {
    const { code, stdout, stderr } = await ocellus(['build-models', '--check']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const { model } of shipped) expect(stdout).toMatch(new RegExp(`\\n${model}\\s+\\d+\\s.*\\skept\\n`));
  });

  it.each(shipped)(
    '$model reaches its targets again under ocellus eval',
    async ({ model, type }) => {
      const { code, stdout, stderr } = await ocellus(['eval', model]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/manifest records [\d.]+% \((reproduced|within one digit)\)/);
      const targets = SHIPPED_TARGETS[type] ?? [];
      expect(targets.length).toBeGreaterThan(0);
      for (const { metric, min } of targets) {
        const now = Number(new RegExp(`\\n${metricWords(metric)} ([\\d.]+)%`).exec(stdout)?.[1]) / 100;
        expect(now, metric).toBeGreaterThanOrEqual(min);
      }
    },
    180_000,
  );
});
