import type { Box } from '@ocellus/contracts';
import { boxIou } from '@ocellus/vision/boxes';
import { digitScenes, localisationImages } from '@ocellus/vision/scenes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SceneUpload, sceneUploads } from './helpers/scene-uploads.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The shares of photo-like captions `digits-captioner` must get exactly right and of words right in
 * their place, under what version 3 scores on these 24 (18 exact, 59 of 68 words) and on 500 photo-like
 * test scenes (exact 75.8%).
 */
const CAPTION_FLOOR = 0.65;
const WORD_FLOOR = 0.8;

/** The shipped registry (`models/`), served as `npm start` serves it. */
describe('the box and caption routes on the shipped models, with photo-like uploads of any size', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({});
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  /** POSTs `upload` to `url` and returns the reply's one result, once the reply is a 200 from `model`. */
  async function resultOf(url: string, upload: SceneUpload, model: string) {
    const res = await request(server.url).post(url).set('content-type', upload.type).send(upload.bytes);
    expect(res.status).toBe(200);
    expect(res.body.model).toBe(model);
    return res.body.results[0];
  }

  it('POST /v1/localize names the digit of a localisation image and boxes it in upload pixels', async () => {
    const images = await sceneUploads(localisationImages({ split: 'test', count: 24, seed: 4 }), 3);
    let right = 0;
    for (const upload of images) {
      const { index, box, score } = await resultOf('/v1/localize', upload, 'digits-localizer');
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
        const { detections }: { detections: { index: number; box: Box }[] } = await resultOf(
          url,
          upload,
          model,
        );
        for (const truth of upload.objects) {
          objects++;
          if (detections.some((d) => d.index === truth.index && boxIou(d.box, truth.box) >= 0.5)) found++;
        }
      }
      console.info(`${model}: ${found} of ${objects} digits found on photo-like uploads`);
      expect(found / objects).toBeGreaterThanOrEqual(share);
    },
  );

  it('POST /v1/caption reads the digits of each scene left to right', async () => {
    const uploads = await sceneUploads(digitScenes({ split: 'test', count: 24, seed: 8 }), 5);
    let exact = 0;
    let words = 0;
    let wordsRight = 0;
    for (const upload of uploads) {
      const { caption, tokens, score } = await resultOf('/v1/caption', upload, 'digits-captioner');
      expect(caption).toMatch(/^\d( \d)*$/);
      expect(tokens).toEqual(caption.split(' '));
      expect(score).toBeLessThanOrEqual(0);
      if (caption === upload.caption) exact++;
      const truth = upload.caption.split(' ');
      words += truth.length;
      wordsRight += truth.filter((word, i) => tokens[i] === word).length;
    }
    console.info(
      `digits-captioner: ${exact} of ${uploads.length} photo-like captions exact, ${wordsRight} of ${words} words`,
    );
    expect(exact / uploads.length).toBeGreaterThanOrEqual(CAPTION_FLOOR);
    expect(wordsRight / words).toBeGreaterThanOrEqual(WORD_FLOOR);
  });

  it('POST /v1/caption?attention=true gives one weight grid per token over the grid it places in the upload', async () => {
    const [upload] = await sceneUploads(digitScenes({ split: 'test', count: 1, seed: 9 }), 6);
    const { tokens, attention, attentionGrid } = await resultOf(
      '/v1/caption?attention=true&beam=3',
      upload!,
      'digits-captioner',
    );
    const [rows, cols] = attentionGrid.size;
    expect(attentionGrid.box).toEqual([0, 0, upload!.width, upload!.height]);
    // One grid per word, each a distribution over the cells.
    expect(tokens.length).toBeGreaterThan(0);
    expect(attention).toHaveLength(tokens.length);
    for (const grid of attention) {
      expect(grid).toHaveLength(rows * cols);
      expect(grid.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });
});
