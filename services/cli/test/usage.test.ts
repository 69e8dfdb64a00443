import { buildJobId, canonicalJson } from '@ocellus/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocellus, tempDir } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir('ocellus-cli-usage-');
});
afterAll(async () => {
  await dir.remove();
});

describe('usage errors exit with code 2 and one line on stderr', () => {
  it.each([
    ['no command', [], /^usage: ocellus <command>/],
    ['an unknown command', ['fly'], /^ocellus: unknown command 'fly'; try 'ocellus help'\n$/],
    ['train without a spec', ['train'], /^ocellus: usage: ocellus train <spec\.json>/],
    ['an unknown option', ['models', '--colour'], /^ocellus: Unknown option '--colour'/],
    ['an option without its value', ['eval', 'digits-cnn', '--registry'], /^ocellus: Option '--registry/],
    ['a malformed model name', ['eval', 'Digits_CNN'], /^ocellus: 'Digits_CNN' is not a model name/],
    [
      'a malformed selector',
      ['eval', 'digits-cnn@0'],
      /^ocellus: 'digits-cnn@0': expected <model>@<version>/,
    ],
    ['predict without images', ['predict', 'digits-cnn'], /^ocellus: usage: ocellus predict/],
    [
      'a topk of zero',
      ['predict', 'digits-cnn', 'a.png', '--topk', '0'],
      /^ocellus: --topk needs a positive integer, got '0'\n$/,
    ],
    ['extra arguments', ['models', 'digits-cnn'], /^ocellus: usage: ocellus models/],
  ])('%s', async (_, argv, message) => {
    const { code, stdout, stderr } = await ocellus(argv, { env: { OCELLUS_REGISTRY: dir.path } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    if (argv.length > 0) expect(stderr.split('\n')).toHaveLength(2);
  });

  it('prints the usage on stdout with exit code 0 when asked for help', async () => {
    const all = await ocellus(['help']);
    expect(all.code).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'models', 'datasets', 'build-models']) {
      expect(all.stdout).toContain(`ocellus ${command} `);
    }
    const one = await ocellus(['eval', '--help']);
    expect(one).toEqual({
      code: 0,
      stdout: 'usage: ocellus eval <model>[@version|@alias] [--registry <dir>]\n',
      stderr: '',
    });
  });
});

describe('runtime failures exit with code 1 and one line on stderr', () => {
  it('names the unknown model, version or alias', async () => {
    const env = { OCELLUS_REGISTRY: dir.path };
    const cases: [string[], string][] = [
      [['eval', 'nope'], 'ocellus: no model nope\n'],
      [['predict', 'nope@3', 'a.png'], 'ocellus: model nope has no version 3\n'],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await ocellus(argv, { env });
      expect(stderr).toBe(message);
      expect(code).toBe(1);
    }
  });
});

describe('the build job id', () => {
  it('depends on the spec content, not on key order or layout', () => {
    const a = { model: 'digits-cnn', schedule: { epochs: 10, batchSize: 64 }, seed: 1 };
    const b = { seed: 1, schedule: { batchSize: 64, epochs: 10 }, model: 'digits-cnn' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(buildJobId('digits-cnn', a)).toBe(buildJobId('digits-cnn', b));
    expect(buildJobId('digits-cnn', a)).toMatch(/^build-digits-cnn-[0-9a-f]{16}$/);
    expect(buildJobId('digits-cnn', { ...a, seed: 2 })).not.toBe(buildJobId('digits-cnn', a));
    expect(canonicalJson({ x: [1, { b: 2, a: 'q' }] })).toBe('{"x":[1,{"a":"q","b":2}]}');
  });
});
