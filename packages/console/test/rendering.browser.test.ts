import { encodeMask } from '@ocellus/vision/rle';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, openBrowser } from './helpers/browser.js';
import { type ConsoleServer, startConsoleServer } from './helpers/server.js';

const SIDE = 64;
const summary = (name: string, task: string) => ({
  name,
  task,
  architecture: { type: task === 'segment' ? 'mask-rcnn' : 'captioner' },
  versions: [1],
  aliases: { production: 1 },
});

/** The alpha of the overlay canvas at upload pixel (x, y). */
const overlayAlpha = (page: Page, x: number, y: number) =>
  page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector('canvas.overlay');
      if (!(canvas instanceof HTMLCanvasElement)) return -1;
      return canvas.getContext('2d')?.getImageData(px, py, 1, 1).data[3] ?? -1;
    },
    [x, y] as const,
  );

/**
 * Segment and caption views, drawn from replies shaped by the contract (API.md) whose masks and weights
 * the test knows: the page's requests for the model list and the task are answered by the test.
 */
describe('the console: masks and attention', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let image: Buffer;
  beforeAll(async () => {
    server = await startConsoleServer(['digits-softmax']);
    image = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#202020' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    browser = await openBrowser();
    await browser.page.route('**/v1/models', (route) =>
      route.fulfill({
        json: [summary('digits-mask-rcnn', 'segment'), summary('digits-captioner', 'caption')],
      }),
    );
  });
  afterEach(async () => {
    await browser?.close();
  });

  it('paints each instance mask (COCO RLE) in its class colour, and only above the score slider', async () => {
    const { page } = browser;
    const square = new Uint8Array(SIDE * SIDE).map((_, i) =>
      i % SIDE >= 8 && i % SIDE < 24 && i < 24 * SIDE ? 1 : 0,
    );
    const right = new Uint8Array(SIDE * SIDE).map((_, i) => (i % SIDE >= 40 && i >= 40 * SIDE ? 1 : 0));
    await page.route('**/v1/segment?**', (route) =>
      route.fulfill({
        json: {
          model: 'digits-mask-rcnn',
          version: 1,
          task: 'segment',
          results: [
            {
              image: { width: SIDE, height: SIDE },
              detections: [
                {
                  label: '3',
                  index: 3,
                  score: 0.9,
                  box: [8, 0, 24, 24],
                  mask: encodeMask(square, SIDE, SIDE),
                },
                {
                  label: '7',
                  index: 7,
                  score: 0.3,
                  box: [40, 40, 64, 64],
                  mask: encodeMask(right, SIDE, SIDE),
                },
              ],
            },
          ],
          timing: { decodeMs: 0.1, queueMs: 0.1, inferMs: 1 },
        },
      }),
    );
    await page.goto(`${server.url}/#/try?task=segment`);
    await page.locator('#model option').first().waitFor({ state: 'attached' });
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: image });
    await page.locator('.result').waitFor();
    expect(await overlayAlpha(page, 16, 10)).toBeGreaterThan(0);
    expect(await overlayAlpha(page, 40, 10)).toBe(0);
    expect(await overlayAlpha(page, 50, 50)).toBe(0);
    expect(await page.locator('.stage .box:visible').count()).toBe(1);
    await page.locator('#score-threshold').fill('0.2');
    expect(await overlayAlpha(page, 50, 50)).toBeGreaterThan(0);
    expect(await page.locator('.stage .box:visible').count()).toBe(2);
    await browser.screenshot('try-segment-masks');
    expect(browser.problems).toEqual([]);
  });

  it("shows a caption and, on a word's focus or hover, where the model looked for it", async () => {
    const { page } = browser;
    const peak = (cell: number) => Array.from({ length: 16 }, (_, i) => (i === cell ? 0.7 : 0.02));
    await page.route('**/v1/caption?**', (route) =>
      route.fulfill({
        json: {
          model: 'digits-captioner',
          version: 1,
          task: 'caption',
          results: [
            {
              image: { width: SIDE, height: SIDE },
              caption: '3 1',
              tokens: ['3', '1'],
              score: -0.12,
              attention: [peak(0), peak(15)],
              attentionGrid: { size: [4, 4], box: [0, 0, SIDE, SIDE] },
            },
          ],
          timing: { decodeMs: 0.1, queueMs: 0.1, inferMs: 1 },
        },
      }),
    );
    await page.goto(`${server.url}/#/try?task=caption`);
    await page.locator('#model option').first().waitFor({ state: 'attached' });
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: image });
    const words = page.locator('.tokens .token');
    await words.first().waitFor();
    expect(await words.allTextContents()).toEqual(['3', '1']);
    await words.nth(0).focus();
    expect(await overlayAlpha(page, 5, 5)).toBeGreaterThan(await overlayAlpha(page, 60, 60));
    await words.nth(1).hover();
    expect(await overlayAlpha(page, 60, 60)).toBeGreaterThan(await overlayAlpha(page, 5, 5));
    await browser.screenshot('try-caption-attention');
    expect(browser.problems).toEqual([]);
  });
});
