import { mkdir } from 'node:fs/promises';
import { openRegistry, type RegistryEvent } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild, sampleInput, tempRegistryRoot } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;
const stops: Array<() => void> = [];

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await cleanup();
});

function collect(options: { pollIntervalMs: number }) {
  const events: RegistryEvent[] = [];
  stops.push(openRegistry(root, options).watch((event) => events.push(event)));
  return events;
}

async function until(events: RegistryEvent[], wanted: RegistryEvent): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!events.some((e) => JSON.stringify(e) === JSON.stringify(wanted))) {
    if (Date.now() > deadline) expect.fail(`no ${JSON.stringify(wanted)} in ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watch', () => {
  it('sees a publish made by another process, once, even before the root exists', async () => {
    const events = collect({ pollIntervalMs: 100 });
    const child = await runChild({ command: 'publish', root, model: 'digits', seed: 1 });
    expect(child.code).toBe(0);
    await until(events, { kind: 'published', name: 'digits', version: 1 });
    await sleep(400);
    expect(events).toEqual([{ kind: 'published', name: 'digits', version: 1 }]);
  });

  it('reports publishes, alias moves and deletes through fs.watch alone', async () => {
    await mkdir(root);
    const events = collect({ pollIntervalMs: 3_600_000 });
    const registry = openRegistry(root);
    await runChild({ command: 'publish', root, model: 'm', seed: 1, count: 2 });
    await until(events, { kind: 'published', name: 'm', version: 2 });
    await registry.setAlias('m', 'production', 2);
    await until(events, { kind: 'alias', name: 'm', alias: 'production', version: 2 });
    await registry.deleteVersion('m', 1);
    await until(events, { kind: 'deleted', name: 'm', version: 1 });
    await registry.setAlias('m', 'production', 2);
    await sleep(200);
    expect(events.filter((e) => e.kind === 'published').map((e) => e.version)).toEqual([1, 2]);
    expect(events.filter((e) => e.kind === 'alias')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'deleted')).toHaveLength(1);
  });

  it('does not report what existed before it started, nor anything after unsubscribing', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    const events: RegistryEvent[] = [];
    const stop = registry.watch((event) => events.push(event));
    await registry.publish('m', sampleInput(2));
    await until(events, { kind: 'published', name: 'm', version: 2 });
    stop();
    await registry.publish('m', sampleInput(3));
    await registry.setAlias('m', 'production', 3);
    await sleep(1500);
    expect(events).toEqual([{ kind: 'published', name: 'm', version: 2 }]);
  });

  it('never keeps a process alive', async () => {
    await openRegistry(root).publish('m', sampleInput(1));
    const child = await runChild({ command: 'watch-idle', root }, 10_000);
    expect(child.signal).toBeNull();
    expect(child.code).toBe(0);
  });
});
