import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { photoLikeUpload } from '@ocellus/vision/augment';
import { boxIou } from '@ocellus/vision/boxes';
import { digitScenes, type SceneSet } from '@ocellus/vision/scenes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './helpers/server.js';

interface Upload {
  bytes: Buffer;
  type: string;
  objects: { index: number; box: Box }[];
}

/** Test-split canvases rendered photo-like (either polarity, uneven paper, noise, JPEG) at 0.5-3x their size. */
async function uploads(scenes: SceneSet, seed: number): Promise<Upload[]> {
  const rng = new Rng(seed);
  const { set } = scenes;
  const plane = set.height * set.width;
  return Promise.all(
    scenes.objects.map(async (objects, i) => {
      const sample = {
        pixels: set.images.slice(i * plane, (i + 1) * plane),
        width: set.width,
        height: set.height,
        objects: objects.map(({ index, box }) => ({ index, box })),
      };
      const upload = await photoLikeUpload(sample, rng.fork());
      return {
        bytes: upload.bytes,
        type: upload.encoding.format === 'jpeg' ? 'image/jpeg' : 'image/png',
        objects: upload.objects,
      };
    }),
  );
}

/** The shipped registry (`models/`), served as `npm start` serves it. */
describe('the box routes on the shipped models, with photo-like uploads of any size', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({});
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('POST /v1/detect finds most digits of each scene with their boxes in upload pixels', async () => {
    const images = await uploads(digitScenes({ split: 'test', count: 12, seed: 6 }), 2);
    let objects = 0;
    let found = 0;
    for (const upload of images) {
      const res = await request(server.url)
        .post('/v1/detect?model=digits-sliding-window&scoreThreshold=0.5')
        .set('content-type', upload.type)
        .send(upload.bytes);
      expect(res.status).toBe(200);
      const detections: { index: number; box: Box }[] = res.body.results[0].detections;
      for (const truth of upload.objects) {
        objects++;
        if (detections.some((d) => d.index === truth.index && boxIou(d.box, truth.box) >= 0.5)) found++;
      }
    }
    expect(found / objects).toBeGreaterThanOrEqual(0.75);
  });
});
