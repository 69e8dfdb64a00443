import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import tarStream from 'tar-stream';
import { afterEach, beforeEach } from 'vitest';
import yazl from 'yazl';

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `ocellus-${prefix}-`));

/** Per test, a fresh store root and source folder handed to `use` before it runs; both removed after it. */
export function tempDirsPerTest(use: (dirs: { root: string; source: string }) => void): void {
  let dirs: { root: string; source: string };
  beforeEach(async () => {
    dirs = { root: await tempDir('store'), source: await tempDir('source') };
    use(dirs);
  });
  afterEach(async () => {
    await rm(dirs.root, { recursive: true, force: true });
    await rm(dirs.source, { recursive: true, force: true });
  });
}

/** A PNG of one grey level (channels 1) or one colour (channels 3). */
export function png(width: number, height: number, value: number, channels: 1 | 3 = 1): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * channels, value);
  const image = sharp(raw, { raw: { width, height, channels } });
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
}

/** An IDX file of unsigned bytes with the given dimensions. */
export function idx(dims: number[], data: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, Buffer.from(Uint8Array.from(data))]);
}

/** `count` 28x28 images whose pixels all equal `first + i` (so each is distinct), with labels `i % classes`. */
export function idxPair(count: number, classes: number, first = 0): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < count; i++) pixels.fill((first + i) % 256, i * 784, (i + 1) * 784);
  return {
    images: idx([count, 28, 28], pixels),
    labels: idx(
      [count],
      Array.from({ length: count }, (_, i) => i % classes),
    ),
  };
}

export async function writeFiles(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** A class folder dataset: `classes` folders of `perClass` distinct grey PNGs each. */
export async function imageFolderFiles(
  classes: string[],
  perClass: number,
  prefix = '',
): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const [c, name] of classes.entries()) {
    for (let i = 0; i < perClass; i++) files[`${prefix}${name}/${i}.png`] = await png(12, 10, c * 50 + i);
  }
  return files;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix mode bits, e.g. 0o120777 for a symbolic link. */
  mode?: number;
}

export function zip(entries: ZipEntry[]): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const entry of entries) {
    file.addBuffer(entry.data, entry.name, entry.mode === undefined ? {} : { mode: entry.mode });
  }
  file.end();
  return streamToBuffer(file.outputStream as Readable);
}

export interface TarEntry {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink';
  linkname?: string;
}

export async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const done = streamToBuffer(pack as unknown as Readable);
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = { name: entry.name, type, ...(entry.linkname ? { linkname: entry.linkname } : {}) };
    if (type === 'file') pack.entry(header, entry.data ?? Buffer.alloc(0));
    else pack.entry(header);
  }
  pack.finalize();
  return gzipSync(await done);
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export const streamOf = (bytes: Buffer) => Readable.from([bytes]);

/** What a store root holds besides finished datasets: work folders (`.tmp-*`) left behind. */
export async function leftovers(root: string): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  return entries.filter((e) => e.startsWith('.tmp-'));
}
