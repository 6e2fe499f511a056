import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshots, type BrowserGuard } from './browser';
import type { Credentials, Dashboard } from './server';
import { dashboardSuite, signIn as signInOn } from './suite';

/**
 * Duplicates, merge, import and export in a real browser against the real server: a pair of one
 * person's customers found, compared side by side and merged with a field taken from the other;
 * a customer page's possible duplicates; a CSV file checked (a bad row named by its line) and
 * imported; the list exported as a file with the search applied; and what a viewer may do.
 */
const suite = dashboardSuite();
const rest = <T = any>(method: string, path: string, body?: unknown) =>
  suite.rest<T>(method, path, dashboard.testKey, body);
let dashboard: Dashboard;
let page: Page;
let guard: BrowserGuard;

const signIn = (who: Credentials) => signInOn(page, who);
const mainNav = () => page.getByRole('navigation', { name: 'Main' });
const dialog = () => page.getByRole('dialog');
const confirmDialog = () => page.getByRole('alertdialog');

async function horizontalOverflow(width: number) {
  await page.setViewportSize({ width, height: 844 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  await page.setViewportSize({ width: 1280, height: 800 });
  return overflow;
}

async function createCustomer(body: Record<string, unknown>): Promise<string> {
  const created = await rest<{ id: string }>('POST', '/v1/customers', body);
  expect(created.status).toBe(200);
  return created.body.id;
}

let older = '';
let newer = '';
let grace = '';
let graceAgain = '';

beforeAll(async () => {
  ({ dashboard, page, guard } = suite);
  // One person twice: Gmail ignores the dot and the +tag, so both reach the same mailbox.
  older = await createCustomer({
    name: 'Ada Lovelace',
    email: 'ada.lovelace@gmail.com',
    phone: '+14155550100',
    metadata: { plan: 'pro' },
  });
  newer = await createCustomer({
    name: 'Ada Lovelace',
    email: 'adalovelace+x@gmail.com',
    description: 'From the old CRM',
  });
});

describe('duplicates and merge in the dashboard', () => {
  it('lists the pair as a group with its score and reasons', async () => {
    await signIn(dashboard.owner);
    await mainNav().getByRole('link', { name: 'Duplicates' }).click();
    await page.waitForURL('**/duplicates');
    await page.getByRole('heading', { name: 'Duplicates', level: 1 }).waitFor();
    const groups = page.getByRole('region', { name: 'Duplicate groups' });
    const group = groups.getByRole('listitem').filter({ hasText: 'ada.lovelace@gmail.com' });
    await group.getByText('adalovelace+x@gmail.com').waitFor();
    await group.getByText(/same mailbox/).waitFor();
    await group.getByText(/\d+%/).waitFor();
    expect(await group.getByText(/^(Likely|Possible)$/).count()).toBe(1);
    await screenshots(page, '40-duplicates');
    expect(await horizontalOverflow(390)).toBe(0);
  });

  it('compares the customers side by side and merges them into the chosen survivor', async () => {
    const groups = page.getByRole('region', { name: 'Duplicate groups' });
    await groups
      .getByRole('link', { name: /Ada Lovelace/ })
      .first()
      .click();
    await page.waitForURL(/\/duplicates\/compare\?customers=/);
    await page.getByRole('heading', { name: 'Compare customers', level: 1 }).waitFor();
    await page.getByText(/Ada Lovelace and Ada Lovelace: .*same mailbox/).waitFor();

    // The oldest is suggested; choose the newer one, then back, by keyboard-reachable radios.
    const keepOlder = page.getByRole('radio', {
      name: 'Keep Ada Lovelace (ada.lovelace@gmail.com)',
    });
    const keepNewer = page.getByRole('radio', {
      name: 'Keep Ada Lovelace (adalovelace+x@gmail.com)',
    });
    expect(await keepOlder.isChecked()).toBe(true);
    await keepNewer.check();
    await page.getByRole('button', { name: 'Merge into Ada Lovelace' }).waitFor();
    await keepOlder.focus();
    await page.keyboard.press('Space');
    expect(await keepOlder.isChecked()).toBe(true);
    // Keep the newer customer's description; everything else stays the survivor's.
    const description = page.getByRole('group', { name: 'Description' });
    await description.getByRole('radio', { name: /from adalovelace\+x@gmail\.com/ }).check();
    await screenshots(page, '41-compare');
    expect(await horizontalOverflow(390)).toBe(0);

    await page.getByRole('button', { name: 'Merge into Ada Lovelace' }).click();
    await confirmDialog()
      .getByText(/payment methods, subscriptions and payment schedules/)
      .waitFor();
    await confirmDialog()
      .getByText(/stays, taking the description of adalovelace\+x@gmail\.com\. The payments/)
      .waitFor();
    await confirmDialog()
      .getByText(/cannot be undone/)
      .waitFor();
    await screenshots(page, '42-merge-confirm');
    await confirmDialog().getByRole('button', { name: 'Merge' }).click();

    await page.waitForURL(`**/customers/${older}`);
    await page.getByText('Merged 1 customer into Ada Lovelace.').waitFor();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await screenshots(page, '43-merged-survivor');

    const survivor = await rest('GET', `/v1/customers/${older}`);
    expect(survivor.body).toMatchObject({
      email: 'ada.lovelace@gmail.com',
      phone: '+14155550100',
      description: 'From the old CRM',
      metadata: { plan: 'pro' },
    });
    const merged = await rest('GET', `/v1/customers/${newer}`);
    expect(merged.status).toBe(404);
    expect(merged.body.error).toMatchObject({ code: 'customer_merged', customer: older });
  });

  it('says where a merged customer went, and the group is gone', async () => {
    guard.expectFailure(404, '/trpc/customers.retrieve');
    await page.goto(`/customers/${newer}`);
    await page.getByRole('heading', { name: 'This customer was merged' }).waitFor();
    await page.getByRole('link', { name: 'Go to the customer it was merged into' }).click();
    await page.waitForURL(`**/customers/${older}`);

    await mainNav().getByRole('link', { name: 'Duplicates' }).click();
    await page.getByRole('heading', { name: 'No duplicates found' }).waitFor();
  });

  it('shows a customer’s possible duplicates and compares them from there', async () => {
    grace = await createCustomer({ name: 'Grace Hopper', email: 'gracehopper@gmail.com' });
    graceAgain = await createCustomer({
      name: 'Grace Hopper',
      email: 'grace.hopper+navy@gmail.com',
    });
    await page.goto(`/customers/${grace}`);
    const notice = page.getByRole('region', { name: 'Possible duplicates' });
    await notice.getByText('grace.hopper+navy@gmail.com').waitFor();
    await notice.getByText(/same mailbox/).waitFor();
    await screenshots(page, '44-possible-duplicates');
    await notice
      .getByRole('link', { name: 'Compare with Grace Hopper (grace.hopper+navy@gmail.com)' })
      .click();
    await page.waitForURL(`**/duplicates/compare?customers=${grace}%2C${graceAgain}`);
    await page.getByRole('radio', { name: 'Keep Grace Hopper (gracehopper@gmail.com)' }).waitFor();
  });
});

describe('CSV import and export in the dashboard', () => {
  const csv = [
    'name,email,phone,metadata.source',
    'Imported One,imported.one@example.com,+14155550111,fair',
    'Imported Bad,not-an-email,,fair',
    'Imported Two,imported.two@example.com,,web',
  ].join('\n');

  it('checks a file first: the counts and the bad row by its line and column', async () => {
    await mainNav().getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await dialog()
      .getByLabel('CSV file')
      .setInputFiles({
        name: 'customers.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
    await dialog().getByRole('button', { name: 'Check file' }).click();
    const check = dialog().getByRole('region', { name: 'Import check' });
    await check.getByText('3 rows: 2 new, 0 to update, 0 to skip, 1 with errors.').waitFor();
    const badRow = check.getByRole('row').filter({ hasText: 'Error' });
    expect(await badRow.getByRole('cell').first().textContent()).toBe('3');
    await badRow.getByText('email', { exact: true }).waitFor();
    await badRow.getByText(/valid email address/).waitFor();
    expect(await dialog().getByRole('alert').count()).toBe(0);
    // Nothing written by the check.
    const before = await rest<{ data: unknown[] }>('GET', '/v1/customers?query=Imported');
    expect(before.body.data).toEqual([]);
    await screenshots(page, '45-import-check');

    await dialog().getByRole('button', { name: 'Import 2 rows' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByText('Import done: 2 created, 0 updated, 0 skipped, 1 with errors.').waitFor();
    await page.getByRole('link', { name: 'Imported One' }).waitFor();
    await page.getByRole('link', { name: 'Imported Two' }).waitFor();
    const after = await rest<{ data: { email: string }[] }>('GET', '/v1/customers?query=Imported');
    expect(after.body.data.map((customer) => customer.email).sort()).toEqual([
      'imported.one@example.com',
      'imported.two@example.com',
    ]);
  });

  it('imports a file above tRPC’s 1 MiB limit, sent to POST /v1/customers/import', async () => {
    const rows = 12_000;
    const lines = ['name,email,description'];
    for (let i = 0; i < rows; i += 1) {
      lines.push(
        `Bulk Customer ${i},bulk.customer.${i}@example.com,from the big spreadsheet ${'x'.repeat(30)}`,
      );
    }
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    expect(buffer.byteLength).toBeGreaterThan(1024 * 1024);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await dialog().getByLabel('CSV file').setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer,
    });
    const upload = (dryRun: boolean) =>
      page.waitForResponse(
        (response) =>
          response.request().method() === 'POST' &&
          response.url().includes(`/v1/customers/import?onDuplicate=error&dryRun=${dryRun}`),
      );
    const [checked] = await Promise.all([
      upload(true),
      dialog().getByRole('button', { name: 'Check file' }).click(),
    ]);
    expect(checked.status()).toBe(200);
    const check = dialog().getByRole('region', { name: 'Import check' });
    await check
      .getByText(`${rows} rows: ${rows} new, 0 to update, 0 to skip, 0 with errors.`)
      .waitFor();
    await screenshots(page, '45-import-check-large');
    const [imported] = await Promise.all([
      upload(false),
      dialog()
        .getByRole('button', { name: `Import ${rows} rows` })
        .click(),
    ]);
    expect(imported.status()).toBe(200);
    await dialog().waitFor({ state: 'detached' });
    await page
      .getByText(`Import done: ${rows} created, 0 updated, 0 skipped, 0 with errors.`)
      .waitFor();
    const last = await rest<{ data: unknown[] }>(
      'GET',
      `/v1/customers?email=bulk.customer.${rows - 1}@example.com`,
    );
    expect(last.body.data).toHaveLength(1);
  });

  it('exports the customers the search shows as a CSV file', async () => {
    await page.getByLabel('Search customers').fill('Imported');
    await page.waitForURL((url) => url.searchParams.get('q') === 'Imported');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('customers-test.csv');
    const file = await readFile(await download.path(), 'utf8');
    expect(file.split('\n')[0]).toMatch(/^id,name,email/);
    expect(file).toContain('imported.one@example.com');
    expect(file).toContain('imported.two@example.com');
    expect(file).not.toContain('gracehopper@gmail.com');
    await page.getByText('Exported the customers matching “Imported”.').waitFor();
    await screenshots(page, '46-export');
  });

  it('shows a viewer Export but neither Import nor Merge', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await signIn(dashboard.viewer);
    await page.getByRole('button', { name: 'Export CSV' }).waitFor();
    expect(await page.getByRole('button', { name: 'Import CSV' }).count()).toBe(0);
    await page.goto(`/duplicates/compare?customers=${grace},${graceAgain}`);
    await page.getByText(/Grace Hopper and Grace Hopper: .*same mailbox/).waitFor();
    await page.getByRole('group', { name: 'Email' }).getByText('gracehopper@gmail.com').waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Merge/ }).count()).toBe(0);
    await screenshots(page, '47-viewer-compare');
  });
});
