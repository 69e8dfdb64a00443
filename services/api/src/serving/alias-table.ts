import { DEFAULT_ALIAS } from '@ocellus/contracts';
import { type Manifest, type Registry, RegistryError } from '@ocellus/registry';

interface ModelVersions {
  manifests: Map<number, Manifest>;
  aliases: Map<string, number>;
}

/** A name unknown to the table is read from disk at most this often (a version another process just published). */
export const MISS_REREAD_MS = 1000;
const MAX_MISSES_REMEMBERED = 1024;

const isAbsent = (error: unknown) =>
  error instanceof RegistryError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_NAME');

/**
 * The registry's names, versions, manifests and aliases held in memory, so a request reads no file. It is
 * kept current by `refresh` (registry events, the poll, this service's own changes); a request for a name
 * or version it does not know rereads that model once, at most every `MISS_REREAD_MS`.
 */
export class AliasTable {
  private readonly models = new Map<string, ModelVersions>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly missedAt = new Map<string, number>();

  constructor(private readonly registry: Registry) {}

  /** Reads every model; names gone from the registry leave the table. */
  async refreshAll(): Promise<void> {
    const names = new Set((await this.registry.listModels()).map((m) => m.name));
    for (const name of this.models.keys()) if (!names.has(name)) this.models.delete(name);
    await Promise.all([...names].map((name) => this.refresh(name)));
  }

  /** Rereads one model; concurrent calls share one read. */
  refresh(name: string): Promise<void> {
    let pending = this.reading.get(name);
    if (pending === undefined) {
      pending = this.read(name).finally(() => this.reading.delete(name));
      this.reading.set(name, pending);
    }
    return pending;
  }

  /** The version `selector` names (`version`, else `alias`, default `production`), or undefined. */
  async find(
    name: string,
    selector: { version?: number | undefined; alias?: string | undefined },
  ): Promise<Manifest | undefined> {
    const found = this.lookup(name, selector);
    if (found !== undefined) return found;
    const last = this.missedAt.get(name) ?? Number.NEGATIVE_INFINITY;
    if (performance.now() - last < MISS_REREAD_MS) return undefined;
    if (this.missedAt.size >= MAX_MISSES_REMEMBERED) this.missedAt.clear();
    this.missedAt.set(name, performance.now());
    await this.refresh(name);
    return this.lookup(name, selector);
  }

  /** Every model's aliases, as `[name, alias, version]`. */
  aliasedVersions(): { name: string; alias: string; version: number }[] {
    return [...this.models].flatMap(([name, m]) =>
      [...m.aliases].map(([alias, version]) => ({ name, alias, version })),
    );
  }

  /** Versions of `name`, oldest first. */
  versionsOf(name: string): number[] {
    return [...(this.models.get(name)?.manifests.keys() ?? [])].sort((a, b) => a - b);
  }

  newest(name: string): number | undefined {
    return this.versionsOf(name).at(-1);
  }

  aliasesOf(name: string): ReadonlyMap<string, number> {
    return this.models.get(name)?.aliases ?? new Map();
  }

  private lookup(
    name: string,
    selector: { version?: number | undefined; alias?: string | undefined },
  ): Manifest | undefined {
    const model = this.models.get(name);
    if (model === undefined) return undefined;
    const version = selector.version ?? model.aliases.get(selector.alias ?? DEFAULT_ALIAS);
    return version === undefined ? undefined : model.manifests.get(version);
  }

  private async read(name: string): Promise<void> {
    try {
      const { manifests, aliases } = await this.registry.describe(name);
      this.models.set(name, {
        manifests: new Map(manifests.map((m) => [m.version, m])),
        aliases: new Map(Object.entries(aliases)),
      });
    } catch (error) {
      if (!isAbsent(error)) throw error;
      this.models.delete(name);
    }
  }
}
