import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { WIDTHS } from './browser';
import type { Credentials, Dashboard } from './server';
import { dashboardSuite, signIn as signInOn } from './suite';

/**
 * The customer page's Activity and privacy actions in a real browser against the real server, at
 * desktop and at phone width: a customer created and edited in the dashboard, the change listed
 * with its before and after values and who made it; everything held about them exported as a
 * JSON file; their personal data erased behind a confirmation that wants their name typed, after
 * which the page shows the placeholders and the earlier entries say their values were erased.
 * Then what support and a viewer are shown.
 */
const suite = dashboardSuite();
const rest = <T = any>(method: string, path: string, body?: unknown) =>
  suite.rest<T>(method, path, dashboard.testKey, body);
let dashboard: Dashboard;
let page: Page;

const HEIGHTS = { 1280: 800, 390: 844 } as const;
const screenshotsDir = fileURLToPath(new URL('../screenshots/', import.meta.url));

/**
 * The page as it is now, at the width the flow runs at: the screen, and the whole page unless a
 * dialog is open (its overlay covers the screen only).
 */
async function shoot(name: string, { fullPage = true } = {}) {
  await mkdir(screenshotsDir, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  await page.screenshot({ path: `${screenshotsDir}${name}-${width}.png` });
  if (fullPage) {
    await page.screenshot({ path: `${screenshotsDir}${name}-${width}-full.png`, fullPage: true });
  }
}

const horizontalOverflow = () =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const signIn = (who: Credentials) => signInOn(page, who);
async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

const activity = () => page.getByRole('region', { name: 'Activity' });
const entries = () => activity().getByRole('listitem');
const confirmDialog = () => page.getByRole('alertdialog');
const details = () => page.getByRole('region', { name: 'Details' });

beforeAll(() => {
  ({ dashboard, page } = suite);
});

it('signs the owner in', async () => {
  await signIn(dashboard.owner);
});

describe.each(WIDTHS)('at %i px', (width) => {
  const email = `ada.${width}@example.com`;
  let id = '';

  beforeAll(async () => {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
  });

  it('lists who changed the customer, what and when, newest first, before → after', async () => {
    await page.goto('/customers');
    await page.getByRole('button', { name: 'Create customer' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Name').fill('Ada Lovelace');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Phone (optional)').fill('+44 20 7946 0958');
    await form.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('status').filter({ hasText: 'Ada Lovelace was created.' }).waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    id = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(id).toMatch(/^cus_/);

    await entries().first().waitFor();
    expect(await entries().count()).toBe(1);
    await entries().first().getByText(`Customer created by ${dashboard.owner.email}`).waitFor();
    // A payment made by an integration: the API key is named, and the payment is kept after
    // the erasure below.
    expect(
      (await rest('POST', '/v1/payments', { amount: 4200, currency: 'eur', customer: id })).status,
    ).toBe(200);
    await page.reload();
    await page.getByRole('region', { name: 'Payments' }).getByText('€42.00').waitFor();

    await details().getByLabel('Name').fill('Ada King');
    await details().getByLabel('Description (optional)').fill('Met at the fair');
    await details().getByRole('button', { name: 'Save changes' }).click();
    await details().getByText('Changes saved.').waitFor();
    await page.getByRole('heading', { name: 'Ada King', level: 1 }).waitFor();

    // Newest first: the edit, the payment, the creation.
    const updated = entries().filter({ hasText: 'Customer updated' });
    await updated.waitFor();
    expect(await entries().first().textContent()).toContain(
      `Customer updated by ${dashboard.owner.email}`,
    );
    const name = updated.getByRole('definition').filter({ hasText: 'Ada King' });
    expect((await name.textContent())?.replace(/\s+/g, ' ')).toBe(
      'Ada Lovelace → changed to Ada King',
    );
    await updated.getByText('Met at the fair').waitFor();
    const payment = entries().filter({ hasText: /Payment \w+ by API key key_\w+/ });
    await payment.getByRole('definition').filter({ hasText: '€42.00' }).waitFor();
    expect(await entries().last().textContent()).toContain('Customer created');

    await activity().scrollIntoViewIfNeeded();
    await shoot('60-activity');
    expect(await horizontalOverflow()).toBe(0);
  });

  it('pages through the activity, ten at a time, newest first', async () => {
    // Ten more changes by an integration: thirteen entries, a page of ten and one of three.
    for (let visit = 1; visit <= 10; visit += 1) {
      const changed = await rest('PUT', `/v1/customers/${id}`, {
        metadata: { visit: String(visit) },
      });
      expect(changed.status).toBe(200);
    }
    await page.reload();
    await expect.poll(() => entries().count()).toBe(10);
    const first = entries().first();
    expect(await first.textContent()).toMatch(/^.*Customer updated by API key key_\w+/);
    await first
      .getByRole('definition')
      .filter({ hasText: '{"visit":"9"} → changed to {"visit":"10"}' })
      .waitFor();

    const pages = activity().getByRole('navigation', { name: 'Activity pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => entries().count()).toBe(3);
    expect(await entries().last().textContent()).toContain('Customer created');
    expect(await horizontalOverflow()).toBe(0);
    await pages.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => entries().count()).toBe(10);
  });

  it('exports everything held about the customer as customer-<id>.json, from the keyboard', async () => {
    const exportButton = page.getByRole('button', { name: 'Export data' });
    await exportButton.focus();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.keyboard.press('Enter'),
    ]);
    expect(download.suggestedFilename()).toBe(`customer-${id}.json`);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      object: string;
      customer: { id: string; name: string; email: string };
      payments: { amount: number }[];
    };
    expect(exported.object).toBe('customer_export');
    expect(exported.customer).toMatchObject({ id, name: 'Ada King', email });
    expect(exported.payments.map((payment) => payment.amount)).toEqual([4200]);
    await page.getByText('Exported everything held about Ada King.').waitFor();
  });

  it('erases the personal data once the name is typed; Activity keeps the entries without values', async () => {
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    const dialog = confirmDialog();
    await dialog.getByText(/This cannot be undone/).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Erase personal data' });
    const typed = dialog.getByLabel('Type Ada King to confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('Ada Kin');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('ada king');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('Ada King');
    expect(await confirm.isEnabled()).toBe(true);
    await shoot('61-erase-confirm', { fullPage: false });
    expect(await horizontalOverflow()).toBe(0);
    // By mouse at one width, from the keyboard (Enter in the name's field) at the other.
    if (width === 1280) await confirm.click();
    else await typed.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    const after = await rest<{ name: string; email: string; phone: string | null }>(
      'GET',
      `/v1/customers/${id}`,
    );
    expect(after.status).toBe(200);
    expect(after.body.name).not.toBe('Ada King');
    await page.getByText(/^Personal data erased on \w{3} \d{1,2}, \d{4}\.$/).waitFor();
    await page.getByRole('heading', { name: after.body.name, level: 1 }).waitFor();
    expect(await details().getByLabel('Name').inputValue()).toBe(after.body.name);
    expect(await details().getByLabel('Email').inputValue()).toBe(after.body.email);
    expect(await page.getByRole('button', { name: 'Erase personal data' }).count()).toBe(0);

    // The entries stay, their values do not: nothing erased is left on the page.
    // The erasure is the newest change (beside the customer.updated it records, same instant).
    await entries()
      .filter({ hasText: `Personal data erased by ${dashboard.owner.email}` })
      .waitFor();
    const visits = entries().filter({ hasText: 'Metadata: values erased' });
    await expect.poll(() => visits.count()).toBeGreaterThan(5);
    await expectNothingErasedShown();
    await activity().scrollIntoViewIfNeeded();
    await shoot('62-erased');
    expect(await horizontalOverflow()).toBe(0);

    const pages = activity().getByRole('navigation', { name: 'Activity pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await entries()
      .filter({ hasText: `Customer created by ${dashboard.owner.email}` })
      .getByText('Name, Email, Phone: values erased')
      .waitFor();
    await entries()
      .filter({ hasText: `Customer updated by ${dashboard.owner.email}` })
      .getByText('Name, Description: values erased')
      .waitFor();
    await expectNothingErasedShown();

    // What the page says after a reload comes from the API, not from what this page did.
    await page.reload();
    await page.getByText(/^Personal data erased on \w{3} \d{1,2}, \d{4}\.$/).waitFor();
    await entries().filter({ hasText: 'Personal data erased' }).waitFor();
  });

  async function expectNothingErasedShown() {
    const text = (await page.locator('main').textContent()) ?? '';
    for (const gone of ['Ada', 'King', 'Lovelace', email, 'a***@', 'Met at the fair', '7946']) {
      expect(text).not.toContain(gone);
    }
  }
});

describe('who is shown what', () => {
  let id = '';

  beforeAll(async () => {
    await page.setViewportSize({ width: 1280, height: HEIGHTS[1280] });
    const created = await rest<{ id: string }>('POST', '/v1/customers', {
      name: 'Grace Hopper',
      email: 'grace@example.com',
    });
    id = created.body.id;
  });

  it('shows support the privacy actions but not the Activity (no audit:read)', async () => {
    await signOut();
    await signIn(dashboard.support);
    await page.goto(`/customers/${id}`);
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Export data' }).waitFor();
    await page.getByRole('button', { name: 'Erase personal data' }).waitFor();
    await details().waitFor();
    expect(await activity().count()).toBe(0);
  });

  it('shows a viewer Export data only', async () => {
    await signOut();
    await signIn(dashboard.viewer);
    await page.goto(`/customers/${id}`);
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Export data' }).waitFor();
    expect(await page.getByRole('button', { name: 'Erase personal data' }).count()).toBe(0);
    expect(await activity().count()).toBe(0);
    await shoot('63-viewer-customer');
  });
});
