import { openRegistry } from '@ocellus/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocellus, tempDir, tinySpec, writeJson } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir('ocellus-cli-train-');
});
afterAll(async () => {
  await dir.remove();
});

describe('ocellus train', () => {
  it('trains, publishes and promotes, printing plain timestamped lines when stdout is not a terminal', async () => {
    const registry = `${dir.path}/plain`;
    const spec = await writeJson(dir.path, 'plain.json', tinySpec({ promote: 'production' }));
    const { code, stdout, stderr } = await ocellus(['train', spec, '--registry', registry]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain('\r');
    expect(stdout).not.toContain('\x1b');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).every((l) => /^\[\s*\d+\.\ds\] /.test(l))).toBe(true);
    expect(stdout).toContain('phase PREPARING_DATA');
    expect(stdout).toContain('phase PUBLISHING');
    for (const epoch of [1, 2]) {
      expect(stdout).toMatch(
        new RegExp(
          `progress [\\d.]+% epoch ${epoch}/2 step 12/12 loss \\d\\.\\d{4} val_acc [\\d.]+% \\d+ ex/s ETA`,
        ),
      );
    }
    const manifest = await openRegistry(registry).manifest('tiny-softmax', 1);
    expect(await openRegistry(registry).aliases('tiny-softmax')).toEqual({ production: 1 });
    const accuracy = (100 * manifest.metrics['testAccuracy']!).toFixed(2);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^published tiny-softmax version 1, production -> 1: test accuracy ${accuracy}%, trained in \\d+s$`,
      ),
    );
  });

  it('draws a bar redrawn in place on a terminal and ends it with a newline', async () => {
    const spec = await writeJson(dir.path, 'tty.json', tinySpec({ model: 'tiny-tty' }));
    const { code, stdout } = await ocellus(['train', spec, '--registry', `${dir.path}/tty`], { tty: true });
    expect(code).toBe(0);
    const redraws = stdout.split('\r\x1b[2K').filter((s) => s.startsWith('['));
    expect(redraws.length).toBeGreaterThan(1);
    expect(redraws.at(-1)).toMatch(
      /^\[=+>\] 100% epoch 2\/2 step 12\/12 loss [\d.]+ val_acc [\d.]+% \d+ ex\/s ETA 0s\n/,
    );
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout).not.toContain('phase PUBLISHING');
    expect(stdout).toContain('publishing');
  });

  it('refuses an invalid spec with the zod issues on one stderr line and exit code 2', async () => {
    const spec = await writeJson(
      dir.path,
      'bad.json',
      tinySpec({ architecture: { type: 'linear', loss: 'hinge' }, schedule: { epochs: 0 } }),
    );
    const { code, stdout, stderr } = await ocellus(['train', spec, '--registry', `${dir.path}/bad`]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/^ocellus: invalid job spec .*bad\.json: /);
    expect(stderr).toContain('architecture.loss: ');
    expect(stderr).toContain('schedule.epochs: ');
    expect(await openRegistry(`${dir.path}/bad`).listModels()).toEqual([]);
  });

  it('refuses a file that is not JSON or does not exist, with exit code 2', async () => {
    const notJson = await writeJson(dir.path, 'broken.json', '{ "task": ');
    const broken = await ocellus(['train', notJson]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^ocellus: spec .*broken\.json is not JSON: /);
    const missing = await ocellus(['train', 'no-such-spec.json'], { cwd: dir.path });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ocellus: cannot read spec no-such-spec\.json: /);
  });

  it('stops at the next step when the signal aborts, publishing nothing (exit code 130)', async () => {
    const registry = `${dir.path}/aborted`;
    const spec = await writeJson(
      dir.path,
      'long.json',
      tinySpec({ model: 'tiny-long', schedule: { epochs: 50 } }),
    );
    const controller = new AbortController();
    // Aborted from the first epoch's progress line, the way Ctrl-C lands while a run is under way.
    const { code, stdout, stderr } = await ocellus(['train', spec, '--registry', registry], {
      signal: controller.signal,
      onStdout: (text) => {
        if (text.includes('] progress ')) controller.abort();
      },
    });
    expect(code).toBe(130);
    expect(stderr).toBe('ocellus: train interrupted\n');
    expect(stdout).toContain('epoch 1/50 ');
    expect(stdout).not.toContain('epoch 2/50 ');
    expect(stdout).not.toContain('published');
    expect(await openRegistry(registry).listModels()).toEqual([]);
  });
});
