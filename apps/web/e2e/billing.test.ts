import type { Page, Request, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshots, type BrowserGuard } from './browser';
import type { Credentials, Dashboard } from './server';
import { dashboardSuite, signIn as signInOn } from './suite';

/**
 * Billing on the customer page and the Subscriptions screen, in a real browser against the real
 * server on a fresh database: subscriptions created, canceled at period end and now, and time
 * moved on with the test-mode billing clock rather than by waiting.
 */
const suite = dashboardSuite();
/** The REST API with the test-mode secret key. */
const rest = <T = any>(method: string, path: string, body?: unknown) =>
  suite.rest<T>(method, path, dashboard.testKey, body);
let dashboard: Dashboard;
let page: Page;
let guard: BrowserGuard;

interface Subscription {
  id: string;
  status: string;
  amount: number;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string;
  endedAt: string | null;
}

async function createCustomer(name: string, email: string): Promise<string> {
  const created = await rest<{ id: string }>('POST', '/v1/customers', { name, email });
  expect(created.status).toBe(200);
  return created.body.id;
}

let ada = '';
let grace = '';

beforeAll(async () => {
  ({ dashboard, page, guard } = suite);
  ada = await createCustomer('Ada Lovelace', 'ada@example.com');
  grace = await createCustomer('Grace Hopper', 'grace@example.com');
});

const signIn = (who: Credentials) => signInOn(page, who);

async function openCustomer(id: string, name: string) {
  await page.goto(`/customers/${id}`);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

const dialog = () => page.getByRole('dialog');
const subscriptionsSection = () => page.getByRole('region', { name: 'Subscriptions' });
const subscriptionRow = (price: string) =>
  subscriptionsSection().getByRole('row').filter({ hasText: price });

/** A day as the dashboard shows it: the browser's own locale and time zone. */
const shownDate = (iso: string) =>
  page.evaluate(
    (at) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(at)),
    iso,
  );

/** The tRPC inputs of every call to `path` the page sends from now on. */
function recordCalls(path: string): Record<string, unknown>[] {
  const sent: Record<string, unknown>[] = [];
  page.on('request', (request: Request) => {
    if (!new URL(request.url()).pathname.split(/[/,]/).includes(path)) return;
    const body = JSON.parse(request.postData() ?? '{}') as Record<string, Record<string, unknown>>;
    sent.push(body['0'] ?? body);
  });
  return sent;
}

const methodsSection = () => page.getByRole('region', { name: 'Payment methods' });
const cardRow = (name: string) => methodsSection().getByRole('row').filter({ hasText: name });

interface SavedCard {
  id: string;
  card: { brand: string; last4: string };
}

async function cardsOf(customer: string): Promise<SavedCard[]> {
  const list = await rest<{ data: SavedCard[] }>(
    'GET',
    `/v1/customers/${customer}/payment_methods?limit=100`,
  );
  return list.body.data;
}

async function cardId(customer: string, last4: string): Promise<string> {
  const card = (await cardsOf(customer)).find((method) => method.card.last4 === last4);
  expect(card).toBeDefined();
  return card?.id ?? '';
}

async function addCard(number: string, expiry: string, cvc: string) {
  await methodsSection().getByRole('button', { name: 'Add card' }).click();
  await dialog().getByLabel('Card number').fill(number);
  await dialog().getByLabel('Expiry').fill(expiry);
  await dialog().getByLabel('CVC').fill(cvc);
  await dialog().getByRole('button', { name: 'Add card' }).click();
  await dialog().waitFor({ state: 'detached' });
}

async function subscriptionsOf(customer: string): Promise<Subscription[]> {
  const list = await rest<{ data: Subscription[] }>(
    'GET',
    `/v1/subscriptions?customer=${customer}&limit=100`,
  );
  return list.body.data;
}

async function horizontalOverflow() {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

describe('billing in the dashboard', () => {
  it('adds a card in a dialog, its errors on their fields, and its number in no response after', async () => {
    await signIn(dashboard.owner);
    await openCustomer(ada, 'Ada Lovelace');
    await methodsSection().getByText('No saved cards yet.').waitFor();
    const sent = recordCalls('paymentMethods.create');

    await methodsSection().getByRole('button', { name: 'Add card' }).click();
    const form = dialog();
    await form.getByLabel('Card number').fill('4242 4242 4242 4241');
    await form.getByLabel('Expiry').fill('01/20');
    await form.getByLabel('CVC').fill('12');
    await form.getByRole('button', { name: 'Add card' }).click();
    // The domain's own schema, before anything is sent.
    await form.getByText('This card number is not valid: check it for a mistyped digit.').waitFor();
    await form.getByText('This card has expired.').waitFor();
    await form.getByText('The security code is 3 digits (4 for American Express).').waitFor();
    for (const label of ['Card number', 'Expiry', 'CVC']) {
      expect(await form.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
    }
    await screenshots(page, '18-card-invalid');
    expect(sent).toEqual([]);

    // The server's refusal lands on its field too. The form checks with the server's schema, so
    // stand in for a disagreement by changing the CVC on its way out; the answer is the server's.
    await form.getByLabel('Card number').fill('5555 5555 5555 4444');
    await form.getByLabel('Expiry').fill('12/34');
    await form.getByLabel('CVC').fill('123');
    await page.route('**/trpc/paymentMethods.create**', (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, any>;
      (body['0'] ?? body).card.cvc = '12';
      return route.continue({ postData: JSON.stringify(body) });
    });
    guard.expectFailure(400, '/trpc/paymentMethods.create');
    await form.getByRole('button', { name: 'Add card' }).click();
    await form.getByText('The security code is 3 digits (4 for American Express).').waitFor();
    expect(await form.getByLabel('CVC').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Card number').getAttribute('aria-invalid')).toBe('false');
    await page.unroute('**/trpc/paymentMethods.create**');

    // A card that declines outright cannot be saved: the server says so for the whole form.
    await form.getByLabel('Card number').fill('4000 0000 0000 0002');
    guard.expectFailure(400, '/trpc/paymentMethods.create');
    await form.getByRole('button', { name: 'Add card' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'The card was declined, so it cannot be saved to a customer.' })
      .waitFor();

    // Every answer the page gets from here on, the reload's documents and scripts included.
    const bodies: Promise<string>[] = [];
    const record = (response: Response) =>
      bodies.push(
        response.body().then(
          (body) => body.toString('utf8'),
          () => '',
        ),
      );
    page.on('response', record);
    await form.getByLabel('Card number').fill('5555 5555 5555 4444');
    await form.getByRole('button', { name: 'Add card' }).click();
    await dialog().waitFor({ state: 'detached' });
    await methodsSection()
      .getByRole('status')
      .filter({ hasText: 'Mastercard •••• 4444 was added.' })
      .waitFor();
    await cardRow('Mastercard •••• 4444').getByText('12/2034').waitFor();
    await page.reload();
    await cardRow('Mastercard •••• 4444').waitFor();
    page.off('response', record);
    const answers = await Promise.all(bodies);
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.join('\n')).toContain('"last4":"4444"');
    for (const number of ['5555555555554444', '5555 5555 5555 4444', '5555-5555-5555-4444']) {
      expect(answers.filter((answer) => answer.includes(number))).toEqual([]);
      expect(await page.content()).not.toContain(number);
    }
    // It was sent (the test watched the right request), and only in the request.
    expect((sent.at(-1)?.card as { number?: string } | undefined)?.number).toBe(
      '5555 5555 5555 4444',
    );

    // Opened again, the dialog holds nothing of the last card.
    await methodsSection().getByRole('button', { name: 'Add card' }).click();
    expect(await dialog().getByLabel('Card number').inputValue()).toBe('');
    expect(await dialog().getByLabel('CVC').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it('makes a card the default and removes another behind a confirmation', async () => {
    await addCard('4242 4242 4242 4242', '12/34', '123');
    await addCard('4000 0000 0000 0341', '12/34', '123');
    await cardRow('Visa •••• 0341').waitFor();
    expect(await methodsSection().getByText('Default', { exact: true }).count()).toBe(0);

    await cardRow('Visa •••• 4242').getByRole('button', { name: 'Make default' }).click();
    await cardRow('Visa •••• 4242').getByText('Default', { exact: true }).waitFor();
    expect(
      await cardRow('Visa •••• 4242').getByRole('button', { name: 'Make default' }).count(),
    ).toBe(0);
    const visa = await cardId(ada, '4242');
    const customer = await rest<{ defaultPaymentMethod: string }>('GET', `/v1/customers/${ada}`);
    expect(customer.body.defaultPaymentMethod).toBe(visa);

    await cardRow('Mastercard •••• 4444').getByRole('button', { name: 'Remove' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: 'Remove Mastercard •••• 4444?' }).waitFor();
    await screenshots(page, '19-card-remove-confirm');
    await confirm.getByRole('button', { name: 'Keep card' }).click();
    await confirm.waitFor({ state: 'detached' });
    await cardRow('Mastercard •••• 4444').getByRole('button', { name: 'Remove' }).click();
    await confirm.getByRole('button', { name: 'Remove card' }).click();
    await confirm.waitFor({ state: 'detached' });
    await cardRow('Mastercard •••• 4444').waitFor({ state: 'detached' });
    await methodsSection()
      .getByRole('status')
      .filter({ hasText: 'Mastercard •••• 4444 was removed.' })
      .waitFor();
    expect((await cardsOf(ada)).map((method) => method.card.last4).sort()).toEqual([
      '0341',
      '4242',
    ]);
    await screenshots(page, '19-payment-methods');
  });

  it('creates a subscription, its amount typed in dollars and sent in cents', async () => {
    await subscriptionsSection().getByText('No subscriptions yet.').waitFor();
    const sent = recordCalls('subscriptions.create');

    await subscriptionsSection().getByRole('button', { name: 'Create subscription' }).click();
    const form = dialog();
    await form.getByLabel('Amount').fill('19.999');
    await form
      .getByLabel('Payment method')
      .selectOption({ label: 'Visa •••• 4242, expires 12/2034' });
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await form.getByText('USD amounts have at most 2 decimal places.').waitFor();
    expect(await form.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]); // refused before sending

    await form.getByLabel('Amount').fill('19.99');
    await form.getByLabel('Interval').selectOption('month');
    await screenshots(page, '20-subscription-create');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(sent).toEqual([
      {
        customer: ada,
        amount: 1999,
        currency: 'usd',
        interval: 'month',
        intervalCount: 1,
        defaultPaymentMethod: await cardId(ada, '4242'),
      },
    ]);

    await subscriptionsSection()
      .getByRole('status')
      .filter({ hasText: 'Subscription created: the first period was charged.' })
      .waitFor();
    const [stored] = await subscriptionsOf(ada);
    expect(stored?.status).toBe('active');
    const row = subscriptionRow('$19.99 every month');
    await row.locator('.status-badge', { hasText: 'Active' }).waitFor();
    await row.getByText(await shownDate(stored?.currentPeriodEnd ?? '')).waitFor();
    await row.getByText('Visa •••• 4242').waitFor();
    // The first period was charged: the payment and the analytics show it without a reload.
    await page
      .getByRole('region', { name: 'Payments' })
      .getByRole('cell', { name: '$19.99' })
      .waitFor();
    await page.getByRole('region', { name: 'Analytics' }).getByText('$19.99').first().waitFor();
  });

  it('cancels it at period end with a notice and badge, and undoes that', async () => {
    const sent = recordCalls('subscriptions.update');
    const row = subscriptionRow('$19.99 every month');
    await row.getByRole('button', { name: 'Cancel at period end' }).click();
    await row.getByRole('button', { name: 'Don’t cancel' }).waitFor();
    const [stored] = await subscriptionsOf(ada);
    const endsOn = await shownDate(stored?.currentPeriodEnd ?? '');
    await row.getByText(`Cancels on ${endsOn}`).waitFor();
    await row.locator('.status-badge', { hasText: 'Active' }).waitFor();
    await subscriptionsSection()
      .getByRole('status')
      .filter({ hasText: `The subscription will cancel on ${endsOn}.` })
      .waitFor();
    expect(stored?.cancelAtPeriodEnd).toBe(true);
    await screenshots(page, '21-subscription-cancels-at-period-end');

    await row.getByRole('button', { name: 'Don’t cancel' }).click();
    await row.getByRole('button', { name: 'Cancel at period end' }).waitFor();
    expect(await row.getByText('Cancels on').count()).toBe(0);
    expect((await subscriptionsOf(ada))[0]?.cancelAtPeriodEnd).toBe(false);
    expect(sent.map((input) => input.cancelAtPeriodEnd)).toEqual([true, false]);

    // Set again, then let the period end on the billing clock: it is canceled, not renewed.
    await row.getByRole('button', { name: 'Cancel at period end' }).click();
    await row.getByText(`Cancels on ${endsOn}`).waitFor();
    const end = new Date(Date.parse(stored?.currentPeriodEnd ?? '') + 1000).toISOString();
    const run = await rest<{ canceled: number }>('POST', '/v1/test_helpers/billing/run', {
      at: end,
    });
    expect(run.body.canceled).toBe(1);
    await page.reload();
    await row.locator('.status-badge', { hasText: 'Canceled' }).waitFor();
    await row.getByText(`Ended ${endsOn}`).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
  });

  it('creates a subscription with a trial and cancels it now behind a confirmation', async () => {
    await subscriptionsSection().getByRole('button', { name: 'Create subscription' }).click();
    const form = dialog();
    await form.getByLabel('Amount').fill('1000');
    await form.getByLabel('Currency').fill('jpy');
    await form.getByLabel('Bill every').fill('2');
    await form.getByLabel('Interval').selectOption('week');
    await form.getByLabel('Trial days (optional)').fill('14');
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await dialog().waitFor({ state: 'detached' });

    const trial = (await subscriptionsOf(ada)).find((s) => s.status === 'trialing');
    expect(trial?.amount).toBe(1000);
    const trialEnds = await shownDate(trial?.currentPeriodEnd ?? '');
    await subscriptionsSection().getByText(`the trial ends on ${trialEnds}`).waitFor();
    const row = subscriptionRow('¥1,000 every 2 weeks');
    await row.locator('.status-badge', { hasText: 'Trialing' }).waitFor();
    await row.getByText(trialEnds).waitFor();

    await row.getByRole('button', { name: 'Cancel now' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: 'Cancel this subscription now?' }).waitFor();
    await screenshots(page, '22-subscription-cancel-now');
    await confirm.getByRole('button', { name: 'Keep subscription' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.locator('.status-badge', { hasText: 'Trialing' }).waitFor();

    await row.getByRole('button', { name: 'Cancel now' }).click();
    await confirm.getByRole('button', { name: 'Cancel subscription' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.locator('.status-badge', { hasText: 'Canceled' }).waitFor();
    const canceled = (await subscriptionsOf(ada)).find((s) => s.id === trial?.id);
    expect(canceled?.status).toBe('canceled');
  });

  it('shows an incomplete subscription when the first charge is declined', async () => {
    await subscriptionsSection().getByRole('button', { name: 'Create subscription' }).click();
    const form = dialog();
    await form.getByLabel('Amount').fill('5');
    await form.getByLabel('Interval').selectOption('year');
    // 4000 0000 0000 0341 attaches, then declines every charge.
    await form
      .getByLabel('Payment method')
      .selectOption({ label: 'Visa •••• 0341, expires 12/2034' });
    await form.getByRole('button', { name: 'Create subscription' }).click();
    await dialog().waitFor({ state: 'detached' });
    await subscriptionsSection().getByText('its first payment failed').waitFor();
    const row = subscriptionRow('$5.00 every year');
    await row.locator('.status-badge', { hasText: 'Incomplete' }).waitFor();
    expect(await row.getByRole('button', { name: 'Cancel at period end' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Cancel now' }).waitFor();
    await screenshots(page, '23-customer-subscriptions');
  });

  it('creates a payment schedule, bills the item that falls due, and cancels the rest', async () => {
    const schedules = page.getByRole('region', { name: 'Payment schedules' });
    await schedules.getByText('No payment schedules yet.').waitFor();
    const sent = recordCalls('paymentSchedules.create');

    await schedules.getByRole('button', { name: 'Create schedule' }).click();
    const form = dialog();
    const item = (n: number) => form.getByRole('group', { name: `Payment ${n}` });
    await item(1).getByLabel('Amount').fill('30');
    await form.getByRole('button', { name: 'Add payment' }).click();
    // Focus goes to the new payment's amount, so the keyboard carries on where it was.
    await expect
      .poll(() =>
        item(2)
          .getByLabel('Amount')
          .evaluate((el) => el === document.activeElement),
      )
      .toBe(true);
    await page.keyboard.type('45.5');
    await form.getByRole('button', { name: 'Add payment' }).click();
    await item(3).getByLabel('Due date').fill('');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await item(3).getByText('Enter an amount, like 25.00.').waitFor();
    await item(3).getByText('Choose the day it is due.').waitFor();
    expect(await item(2).locator('[aria-invalid="true"]').count()).toBe(0);
    await screenshots(page, '26-schedule-create-invalid');
    expect(sent).toEqual([]);

    const dueDates = await form
      .locator('input[type="date"]')
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    await item(3).getByLabel('Amount').fill('20.25');
    const third = await page.evaluate((second) => {
      const day = new Date(`${second}T00:00`);
      day.setDate(day.getDate() + 30);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
    }, dueDates[1] ?? '');
    await item(3).getByLabel('Due date').fill(third);
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await dialog().waitFor({ state: 'detached' });
    const startOf = (day: string) =>
      page.evaluate((d) => new Date(`${d}T00:00`).toISOString(), day);
    expect(sent).toEqual([
      {
        customer: ada,
        currency: 'usd',
        items: [
          { amount: 3000, dueAt: await startOf(dueDates[0] ?? '') },
          { amount: 4550, dueAt: await startOf(dueDates[1] ?? '') },
          { amount: 2025, dueAt: await startOf(third) },
        ],
      },
    ]);

    await schedules
      .getByRole('status')
      .filter({ hasText: 'Payment schedule created: 3 payments.' })
      .waitFor();
    const schedule = schedules.getByRole('article', { name: '3 payments of $95.75 in all' });
    const rows = schedule.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await schedule.getByText('Scheduled', { exact: true }).count()).toBe(3);
    await rows
      .first()
      .getByText(await shownDate(await startOf(dueDates[0] ?? '')))
      .waitFor();

    // Move the billing clock past the first due date: that item, and only it, is charged.
    const stored = await rest<{ data: { items: { dueAt: string }[] }[] }>(
      'GET',
      `/v1/payment_schedules?customer=${ada}`,
    );
    const firstDue = Date.parse(stored.body.data[0]?.items[0]?.dueAt ?? '');
    const run = await rest<{ charged: number }>('POST', '/v1/test_helpers/billing/run', {
      at: new Date(firstDue + 1000).toISOString(),
    });
    expect(run.body.charged).toBe(1);
    await page.reload();
    await rows.first().getByText('Succeeded').waitFor();
    await rows.first().getByText(/^pay_/).waitFor();
    expect(await schedule.getByText('Scheduled', { exact: true }).count()).toBe(2);
    await page
      .getByRole('region', { name: 'Payments' })
      .getByRole('cell', { name: '$30.00' })
      .waitFor();
    await screenshots(page, '27-schedule-billed');

    await schedule.getByRole('button', { name: 'Cancel remaining' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: 'Cancel the 2 remaining payments?' }).waitFor();
    await confirm.getByRole('button', { name: 'Cancel payments' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => schedule.getByText('Canceled', { exact: true }).count()).toBe(3);
    await rows.first().getByText('Succeeded').waitFor();
    expect(await schedule.getByRole('button', { name: 'Cancel remaining' }).count()).toBe(0);
    await schedules
      .getByRole('status')
      .filter({ hasText: 'The remaining payments were canceled.' })
      .waitFor();
  });

  it('lists every subscription on the Subscriptions screen, filtered by status, a page at a time', async () => {
    // 21 more for Grace over REST, as an integration would: two pages with Ada's three.
    for (let n = 1; n <= 21; n += 1) {
      const created = await rest('POST', '/v1/subscriptions', {
        customer: grace,
        amount: 100 * n,
        currency: 'eur',
        interval: 'month',
        defaultPaymentMethod: 'pm_card_visa',
        ...(n === 21 && { trialPeriodDays: 7 }),
      });
      expect(created.status).toBe(200);
    }
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Subscriptions' })
      .click();
    await page.getByRole('heading', { name: 'Subscriptions', level: 1 }).waitFor();
    const list = page.getByRole('region', { name: 'Subscription list' });
    const rows = list.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(20);
    // Names, not ids: each row says whose it is.
    await rows.first().getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await screenshots(page, '24-subscriptions');

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rows.count()).toBe(4);
    await list.getByRole('link', { name: 'Ada Lovelace' }).first().waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => rows.count()).toBe(20);
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await page.getByLabel('Status').selectOption('trialing');
    await page.waitForURL((url) => url.searchParams.get('status') === 'trialing');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText('€21.00 every month').waitFor();
    await page.getByLabel('Status').selectOption('canceled');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await list.getByRole('link', { name: 'Ada Lovelace' }).count()).toBe(2);
    await page.getByLabel('Status').selectOption('past_due');
    await page.getByRole('heading', { name: 'No past due subscriptions' }).waitFor();
    await page.getByLabel('Status').selectOption('incomplete');
    await rows.getByText('$5.00 every year').waitFor();

    await list.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('status') === 'incomplete');
    expect(await page.getByLabel('Status').inputValue()).toBe('incomplete');
  });

  it('keeps every billing screen within a phone’s width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('Status').selectOption('all');
    await expect
      .poll(() =>
        page.getByRole('region', { name: 'Subscription list' }).locator('tbody tr').count(),
      )
      .toBe(20);
    expect(await horizontalOverflow()).toBe(0);
    await openCustomer(ada, 'Ada Lovelace');
    await subscriptionRow('$5.00 every year').waitFor();
    expect(await horizontalOverflow()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a viewer subscriptions without any control, and the server refuses it anyway', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await signIn(dashboard.viewer);
    await openCustomer(ada, 'Ada Lovelace');
    const row = subscriptionRow('$5.00 every year');
    await row.locator('.status-badge', { hasText: 'Incomplete' }).waitFor();
    expect(await subscriptionsSection().getByRole('button').count()).toBe(0);
    await cardRow('Visa •••• 4242').getByText('Default', { exact: true }).waitFor();
    expect(await methodsSection().getByRole('button').count()).toBe(0);
    const schedules = page.getByRole('region', { name: 'Payment schedules' });
    await schedules.getByRole('article').first().waitFor();
    expect(await schedules.getByRole('button').count()).toBe(0);
    await screenshots(page, '25-viewer-subscriptions');

    guard.expectFailure(403, '/trpc/subscriptions.cancel');
    const id = (await subscriptionsOf(ada)).find((s) => s.status === 'incomplete')?.id;
    const answer = await page.evaluate(async (subscription) => {
      const res = await fetch('/trpc/subscriptions.cancel', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-peasswap-client': 'dashboard' },
        body: JSON.stringify({ id: subscription }),
      });
      const body = (await res.json()) as { error?: { data?: { code?: string } } };
      return { status: res.status, code: body.error?.data?.code };
    }, id);
    expect(answer).toEqual({ status: 403, code: 'insufficient_permissions' });

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Subscriptions' })
      .click();
    await page.getByRole('region', { name: 'Subscription list' }).waitFor();
  });
});
