import type { Box } from '@ocellus/contracts';
import { boxIou } from '@ocellus/vision/boxes';
import { digitScenes, localisationImages } from '@ocellus/vision/scenes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sceneUploads } from './helpers/scene-uploads.js';
import { type RunningServer, startServer } from './helpers/server.js';

/** The shipped registry (`models/`), served as `npm start` serves it. */
describe('the box routes on the shipped models, with photo-like uploads of any size', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({});
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it('POST /v1/localize names the digit of a localisation image and boxes it in upload pixels', async () => {
    const images = await sceneUploads(localisationImages({ split: 'test', count: 24, seed: 4 }), 3);
    let right = 0;
    for (const upload of images) {
      const res = await request(server.url)
        .post('/v1/localize')
        .set('content-type', upload.type)
        .send(upload.bytes);
      expect(res.status).toBe(200);
      expect(res.body.model).toBe('digits-localizer');
      const { index, box, score } = res.body.results[0];
      expect(score).toBeGreaterThan(0);
      const [truth] = upload.objects;
      if (index === truth!.index && boxIou(box, truth!.box) >= 0.5) right++;
    }
    expect(right / images.length).toBeGreaterThanOrEqual(0.85);
  });

  // Each detector, named or (Faster R-CNN) as the route's default; the share of digits it must find
  // on photo-like uploads stays a few points under what bench:detect measures on them.
  it.each([
    ['digits-faster-rcnn', '/v1/detect?scoreThreshold=0.5', 0.85],
    ['digits-fast-rcnn', '/v1/detect?model=digits-fast-rcnn&scoreThreshold=0.5', 0.85],
    ['digits-rcnn', '/v1/detect?model=digits-rcnn&scoreThreshold=0.5', 0.85],
    ['digits-sliding-window', '/v1/detect?model=digits-sliding-window&scoreThreshold=0.5', 0.75],
  ])(
    'POST /v1/detect with %s finds most digits of each scene, boxed in upload pixels',
    async (model, url, share) => {
      const images = await sceneUploads(digitScenes({ split: 'test', count: 12, seed: 6 }), 2);
      let objects = 0;
      let found = 0;
      for (const upload of images) {
        const res = await request(server.url).post(url).set('content-type', upload.type).send(upload.bytes);
        expect(res.status).toBe(200);
        expect(res.body.model).toBe(model);
        const detections: { index: number; box: Box }[] = res.body.results[0].detections;
        for (const truth of upload.objects) {
          objects++;
          if (detections.some((d) => d.index === truth.index && boxIou(d.box, truth.box) >= 0.5)) found++;
        }
      }
      console.info(`${model}: ${found} of ${objects} digits found on photo-like uploads`);
      expect(found / objects).toBeGreaterThanOrEqual(share);
    },
  );
});
