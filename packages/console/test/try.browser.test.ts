import { errorBodySchema, inferenceResponseSchema } from '@ocellus/contracts';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, openBrowser } from './helpers/browser.js';
import { testDigits, testScene } from './helpers/images.js';
import { type ConsoleServer, startConsoleServer } from './helpers/server.js';

const DETECTOR = 'digits-sliding-window';

/** The Try page in Chromium against the shipped digits-cnn and digits-sliding-window. */
describe('the console: Try', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startConsoleServer(['digits-cnn', DETECTOR]);
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    browser = await openBrowser();
    await browser.page.goto(`${server.url}/#/try`);
    await browser.page.locator('#model option').first().waitFor({ state: 'attached' });
  });
  afterEach(async () => {
    await browser?.close();
  });

  it('shows the label of a digit drawn on the pad', async () => {
    const { page } = browser;
    const pad = page.locator('canvas.pad');
    const box = await pad.boundingBox();
    if (box === null) throw new Error('the drawing pad is not on screen');
    // A one: a slightly slanted stroke down the middle of the pad.
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.18);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.82, { steps: 12 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Send drawing' }).click();
    await expect.poll(() => page.locator('.topk li').first().getAttribute('data-label')).toBe('1');
    await expect.poll(() => page.locator('.timing').textContent()).toMatch(/inference [\d.]+ ms/);
    await browser.screenshot('try-drawn-digit');
    expect(browser.problems).toEqual([]);
  });

  it('shows the right label for uploaded test digits, top-k bars and timing', async () => {
    const { page } = browser;
    const digits = await testDigits(3);
    for (const [i, digit] of digits.entries()) {
      await page
        .locator('#image-file')
        .setInputFiles({ name: `digit-${i}.png`, mimeType: 'image/png', buffer: digit.png });
      await expect.poll(() => page.locator('.status').textContent()).toBe(`digit-${i}.png: done.`);
      expect(await page.locator('.topk li').first().getAttribute('data-label')).toBe(digit.label);
      expect(await page.locator('.topk li').count()).toBe(5);
    }
    const path = await browser.screenshot('try-uploaded-digit');
    const stats = await sharp(path).stats();
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(10);
    expect(browser.problems).toEqual([]);
  });

  it('draws one box per detection the API returns above the slider, for a scene', async () => {
    const { page } = browser;
    await page.locator('#task').selectOption('detect');
    await page.locator('#model').selectOption(DETECTOR);
    const scene = await testScene(3);
    const answered = page.waitForResponse((r) => r.url().includes('/v1/detect'));
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: scene.png });
    const [result] = inferenceResponseSchema('detect').parse(await (await answered).json()).results;
    const detections = result && 'detections' in result ? result.detections : [];
    await page.locator('.result').waitFor();
    const above = (t: number) => detections.filter((d) => d.score >= t).length;
    expect(above(0.5)).toBeGreaterThan(0);
    expect(await page.locator('.stage .box:visible').count()).toBe(above(0.5));

    const direct = await fetch(`${server.url}/v1/detect?model=${DETECTOR}&scoreThreshold=0.5`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(scene.png),
    });
    expect((await direct.json()).results[0].detections).toHaveLength(above(0.5));

    await page.locator('#score-threshold').fill('0.9');
    expect(await page.locator('.stage .box:visible').count()).toBe(above(0.9));
    await expect
      .poll(() => page.locator('output.count').textContent())
      .toBe(`${above(0.9)} of ${detections.length} detections with score ≥ 0.90`);
    await page.locator('#score-threshold').fill('0.5');
    await browser.screenshot('try-detect-scene');
    expect(browser.problems).toEqual([]);
  });

  it("shows the API's own message for a file that is not an image", async () => {
    const { page } = browser;
    const junk = Buffer.from('these bytes are a shopping list, not a picture\n'.repeat(20));
    const direct = await fetch(`${server.url}/v1/classify`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(junk),
    });
    const { error } = errorBodySchema.parse(await direct.json());
    expect(direct.status).toBe(400);
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'list.png', mimeType: 'image/png', buffer: junk });
    const alert = page.locator('.output [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(error);
    await browser.screenshot('try-bad-file');
    expect(browser.problems).toEqual([]);
  });
});
