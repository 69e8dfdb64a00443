import type { FileChooser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openBrowser } from './helpers/browser.js';
import { testDigits } from './helpers/images.js';
import { type ConsoleServer, startConsoleServer } from './helpers/server.js';

const PHONE = { width: 390, height: 844 };

/** The pages on a phone-sized screen and with the keyboard alone. */
describe('the console: phone screens and keyboard', () => {
  let server: ConsoleServer;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startConsoleServer(['digits-softmax']);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await browser?.close();
  });

  it.each([
    ['try', 'Try a model'],
    ['models', 'Models'],
    ['training', 'Training'],
  ])('lays the %s page out within a 390 px wide screen', async (page, heading) => {
    browser = await openBrowser(PHONE);
    const tab = browser.page;
    await tab.goto(`${server.url}/#/${page}`);
    await tab.getByRole('heading', { level: 1, name: heading }).waitFor();
    if (page === 'models') await tab.locator('table.versions').waitFor();
    if (page === 'training') await tab.getByRole('dialog').waitFor();
    const width = await tab.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await browser.screenshot(`phone-${page}`);
    expect(browser.problems).toEqual([]);
  });

  it('moves between pages and classifies a picked file with the keyboard alone', async () => {
    browser = await openBrowser();
    const { page } = browser;
    // Subscribing turns on Chromium's file-chooser interception, which Playwright does not await: done
    // before the first navigation, it is in place long before the keypress that opens the chooser.
    const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
    await page.goto(`${server.url}/#/models`);
    await page.locator('table.versions').waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    for (let i = 0; i < 10 && (await focused()) !== 'Try'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Try a model' }).waitFor();
    await page.locator('#model option').first().waitFor({ state: 'attached' });

    const isFileInput = () => page.evaluate(() => document.activeElement?.id === 'image-file');
    for (let i = 0; i < 10 && !(await isFileInput()); i++) await page.keyboard.press('Tab');
    expect(await isFileInput()).toBe(true);
    const [digit] = await testDigits(1);
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name: 'digit.png', mimeType: 'image/png', buffer: digit!.png });
    await expect.poll(() => page.locator('.topk li').first().getAttribute('data-label')).toBe(digit!.label);
    expect(browser.problems).toEqual([]);
  });
});
