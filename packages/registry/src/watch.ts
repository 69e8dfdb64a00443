import { existsSync, type FSWatcher, readdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { ALIASES_FILE, emptyAliases, parseAliases } from './aliases.js';
import { MANIFEST_FILE } from './manifest.js';
import { isModelName, parseVersionDir } from './names.js';
import type { RegistryEvent } from './types.js';

interface ModelState {
  versions: Set<number>;
  aliases: Record<string, number>;
}

type Snapshot = Map<string, ModelState>;

// fs.watch fires several times per rename; one rescan a moment later covers the burst.
const DEBOUNCE_MS = 25;

/**
 * Diffs snapshots of the tree, rescanned on fs.watch events (root, model and version folders) and on a
 * poll, so each change made by any process is reported once. Scans are synchronous so the baseline
 * exists before `watch` returns; the tree is a few small folders.
 */
export function watchRegistry(
  root: string,
  pollIntervalMs: number,
  listener: (event: RegistryEvent) => void,
): () => void {
  let snapshot = scan(root, new Map());
  const watchers = new Map<string, FSWatcher>();
  let stopped = false;
  let pending: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (stopped || pending !== undefined) return;
    pending = setTimeout(rescan, DEBOUNCE_MS).unref();
  };
  // Returns whether a folder got a new watcher: what changed in it before then needs one more scan.
  const syncWatchers = (): boolean => {
    let added = false;
    const wanted = new Set([root]);
    for (const [name, state] of snapshot) {
      wanted.add(join(root, name));
      for (const version of state.versions) wanted.add(join(root, name, String(version)));
    }
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, schedule);
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, watcher);
        added = true;
      } catch {
        // The folder is not there yet (or cannot be watched): the poll covers it.
      }
    }
    return added;
  };
  function rescan() {
    pending = undefined;
    if (stopped) return;
    const next = scan(root, snapshot);
    const events = diff(snapshot, next);
    snapshot = next;
    if (syncWatchers()) schedule();
    for (const event of events) {
      if (stopped) return;
      listener(event);
    }
  }

  if (syncWatchers()) schedule();
  const poll = setInterval(rescan, pollIntervalMs).unref();
  return () => {
    stopped = true;
    clearInterval(poll);
    clearTimeout(pending);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}

function scan(root: string, previous: Snapshot): Snapshot {
  const next: Snapshot = new Map();
  for (const name of listOrEmpty(root).filter(isModelName)) {
    const dir = join(root, name);
    const versions = new Set<number>();
    for (const entry of listOrEmpty(dir)) {
      const version = parseVersionDir(entry);
      if (version !== null && existsSync(join(dir, entry, MANIFEST_FILE))) versions.add(version);
    }
    next.set(name, {
      versions,
      aliases: readAliasesOr(dir, name, previous.get(name)?.aliases ?? emptyAliases()),
    });
  }
  return next;
}

function diff(before: Snapshot, after: Snapshot): RegistryEvent[] {
  const events: RegistryEvent[] = [];
  for (const [name, state] of after) {
    const old = before.get(name);
    for (const version of [...state.versions].sort((a, b) => a - b)) {
      if (!old?.versions.has(version)) events.push({ kind: 'published', name, version });
    }
    for (const [alias, version] of Object.entries(state.aliases)) {
      if (old?.aliases[alias] !== version) events.push({ kind: 'alias', name, alias, version });
    }
  }
  for (const [name, old] of before) {
    const versions = after.get(name)?.versions;
    for (const version of old.versions) {
      if (!versions?.has(version)) events.push({ kind: 'deleted', name, version });
    }
  }
  return events;
}

// While aliases.json is unreadable the last good view is kept, so a damaged file raises no false events.
function readAliasesOr(dir: string, name: string, fallback: Record<string, number>): Record<string, number> {
  try {
    return parseAliases(readFileSync(join(dir, ALIASES_FILE), 'utf8'), name);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? emptyAliases() : fallback;
  }
}

function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
