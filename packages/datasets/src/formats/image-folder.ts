import { join, relative } from 'node:path';
import type { Split } from '@ocellus/contracts';
import { DatasetError } from '../errors.js';
import type { FormatReader } from './image-sink.js';
import { listFolder, unwrapFolder, walkFiles } from './walk.js';

const SPLIT_FOLDERS: Readonly<Record<string, Split>> = {
  train: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  test: 'test',
};

const MAX_LABEL_CHARS = 100;

/**
 * torchvision's ImageFolder: `<class>/<image>` (images nested deeper in a class folder count too), labels
 * the sorted class names; or the same under `train/`, `val[idation]/`, `test/` as the upload's own split.
 */
export const readImageFolder: FormatReader = async (root, sink) => {
  const top = await unwrapFolder(root);
  const { files, folders } = await listFolder(top);
  const splitLayout = folders.length > 0 && folders.every((f) => SPLIT_FOLDERS[f] !== undefined);
  const groups: { dir: string; split: Split | null }[] = splitLayout
    ? folders.map((f) => ({ dir: join(top, f), split: SPLIT_FOLDERS[f]! }))
    : [{ dir: top, split: null }];
  for (const file of files) sink.reject(file, 'not inside a class folder');

  const classes = new Map<string, { dir: string; split: Split | null }[]>();
  for (const group of groups) {
    const inner = splitLayout ? await listFolder(group.dir) : { files: [], folders };
    for (const file of inner.files)
      sink.reject(relative(root, join(group.dir, file)), 'not inside a class folder');
    for (const name of inner.folders) {
      if (name.length > MAX_LABEL_CHARS) {
        throw new DatasetError(
          'INVALID_DATASET',
          `a class folder's name is over ${MAX_LABEL_CHARS} characters`,
        );
      }
      classes.set(name, [...(classes.get(name) ?? []), { dir: join(group.dir, name), split: group.split }]);
    }
  }
  const labels = [...classes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length < 2) {
    throw new DatasetError(
      'INVALID_DATASET',
      `an image folder needs at least two class folders (<class>/<image>), found ${labels.length}`,
    );
  }
  for (const [label, name] of labels.entries()) {
    for (const { dir, split } of classes.get(name)!) {
      for (const file of await walkFiles(dir)) {
        await sink.addFile(join(dir, file), relative(root, join(dir, file)), label, split);
      }
    }
  }
  return labels;
};
