import { modelDetailSchema } from '@ocellus/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, openBrowser } from './helpers/browser.js';
import { type ConsoleServer, startConsoleServer } from './helpers/server.js';

const MODEL = 'digits-console';
/** Polls of a page that follows a training job: 300 digits, 3 epochs take seconds, a busy machine more. */
const JOB_TIMEOUT_MS = 90_000;

/** The Models and Training pages in Chromium against an API with an admin key, training in-process. */
describe('the console: Models and Training', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startConsoleServer(['digits-softmax']);
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    browser = await openBrowser();
  });
  afterEach(async () => {
    await browser?.close();
  });

  /** Answers the page's key dialog once, when it asks. */
  async function giveKey(): Promise<void> {
    const dialog = browser.page.getByRole('dialog', { name: 'API key' });
    await dialog.waitFor();
    await dialog.getByLabel(/Bearer key/).fill(server.adminKey);
    await dialog.getByRole('button', { name: 'Use key' }).click();
  }

  it('shows the spec schema’s errors at their fields without sending the job', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/training`);
    await giveKey();
    await page.getByLabel('Epochs').fill('0');
    await page.getByLabel('Learning rate').fill('-1');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => page.locator('#spec-epochs-error').textContent()).toMatch(/>=\s*1/);
    expect(await page.locator('#spec-lr-error').textContent()).toMatch(/>0/);
    expect(await page.getByLabel('Epochs').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Full JSON spec').click();
    await page
      .locator('#spec-json')
      .fill(
        '{"task": "classify", "model": "x", "architecture": {"type": "mlp"}, "dataset": {"name": "digit-scenes"}}',
      );
    await page.getByRole('button', { name: 'Start training from JSON' }).click();
    await expect
      .poll(() => page.locator('#spec-json-errors').textContent())
      .toContain("dataset.name: dataset 'digit-scenes' trains detect | segment | caption, not 'classify'");
    const jobs = await fetch(`${server.url}/v1/jobs`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(await jobs.json()).toEqual([]);
    await browser.screenshot('training-field-errors');
    expect(browser.problems).toEqual([]);
  });

  it('trains a job with live curves, shows the same curves for it as a past job, and promotes its version', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/training`);
    await giveKey();
    await page.getByLabel('Model name').fill(MODEL);
    await page.getByLabel('Training digits').fill('300');
    await page.getByLabel('Validation digits').fill('100');
    await page.getByLabel('Test digits').fill('200');
    await page.getByLabel('Epochs').fill('3');
    await page.getByLabel('Batch size').fill('4');
    await page.getByLabel('Learning rate').fill('0.005');
    await page.getByRole('button', { name: 'Start training' }).click();

    const steps = page.locator('figure.curves').first();
    await steps.waitFor();
    const points = async () => Number(await steps.getAttribute('data-points'));
    await expect.poll(points, { timeout: JOB_TIMEOUT_MS }).toBeGreaterThan(0);
    const first = await points();
    await expect.poll(points, { timeout: JOB_TIMEOUT_MS }).toBeGreaterThan(first);
    const published = page.locator('.published a').first();
    await published.waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await published.textContent()).toBe(`${MODEL} v1`);
    expect(await page.locator('.job-state').textContent()).toContain('SUCCEEDED');
    await expect.poll(() => page.locator('figure.curves').nth(1).getAttribute('data-points')).toBe('3');
    await expect.poll(() => page.locator('table.jobs tbody tr').first().textContent()).toContain('SUCCEEDED');
    await browser.screenshot('training-finished-job');

    const live = await points();
    await page.reload();
    await expect.poll(points).toBe(live);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([server.adminKey]);
    expect(await page.evaluate(() => localStorage.length + document.cookie.length)).toBe(0);
    await expect.poll(() => page.locator('figure.curves').nth(1).getAttribute('data-points')).toBe('3');

    await published.click();
    const row = page.locator(`section.model:has(h2:text-is("${MODEL}")) tr[data-version="1"]`);
    await row.getByRole('button', { name: 'Point production at version 1' }).click();
    await expect.poll(() => row.locator('.badge').allTextContents()).toEqual(['production']);
    const detail = modelDetailSchema.parse(await (await fetch(`${server.url}/v1/models/${MODEL}`)).json());
    expect(detail.aliases).toEqual({ production: 1 });
    await page.locator('tr.details-row td table.confusion').waitFor();
    await browser.screenshot('models-promoted');
    expect(browser.problems).toEqual([]);
  });

  it('cancels a running job submitted as JSON: CANCELLED, and no version is published', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/#/training`);
    await giveKey();
    await page.getByText('Full JSON spec').click();
    const spec = {
      task: 'classify',
      model: 'digits-cancelled',
      architecture: { type: 'mlp', hidden: [256] },
      dataset: { name: 'mnist', train: 1200, validation: 100, test: 200 },
      schedule: { epochs: 50, batchSize: 2 },
    };
    await page.locator('#spec-json').fill(JSON.stringify(spec));
    await page.getByRole('button', { name: 'Start training from JSON' }).click();
    const steps = page.locator('figure.curves').first();
    await expect
      .poll(async () => Number(await steps.getAttribute('data-points')), { timeout: JOB_TIMEOUT_MS })
      .toBeGreaterThan(0);
    expect(await page.locator('.job-state').textContent()).toMatch(/RUNNING · training · epoch \d+\/50/);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect
      .poll(() => page.locator('.job-state').textContent(), { timeout: JOB_TIMEOUT_MS })
      .toMatch(/CANCELLED/);
    expect(await page.getByRole('button', { name: 'Cancel job' }).isDisabled()).toBe(true);
    await expect.poll(() => page.locator('table.jobs tbody tr').first().textContent()).toContain('CANCELLED');
    const models = await (await fetch(`${server.url}/v1/models`)).json();
    expect(models.map((m: { name: string }) => m.name)).not.toContain('digits-cancelled');
    await browser.screenshot('training-cancelled-job');
    expect(browser.problems).toEqual([]);
  });
});
