import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshots, type BrowserGuard } from './browser';
import type { Credentials, Dashboard } from './server';
import { dashboardSuite, signIn as signInOn } from './suite';

/**
 * The Developers screens in a real browser against the real server, which delivers webhooks as in
 * production (woken at each commit) to a receiver on 127.0.0.1: an endpoint created with the
 * event picker, its secret shown once and copied, a change delivered signed with that secret and
 * seen in the delivery log, resent with the same webhook-id; the Events screen and a customer's
 * Timeline; and what each role may see.
 */
const suite = dashboardSuite({ permissions: ['clipboard-read', 'clipboard-write'] });
const rest = <T = any>(method: string, path: string, body?: unknown) =>
  suite.rest<T>(method, path, dashboard.testKey, body);
let dashboard: Dashboard;
let page: Page;
let guard: BrowserGuard;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A merchant's endpoint: `/hooks` takes every event, `/gone` says 410 Gone. */
const received: Received[] = [];
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  ({ dashboard, page, guard } = suite);
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body });
      if (path === '/gone') {
        response.writeHead(410, { 'content-type': 'text/plain' }).end('endpoint retired');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ received: true, by: 'the e2e receiver' }));
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  // The server keeps its connections to the receiver alive: end them, or close waits for them.
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Standard Webhooks: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under the secret's bytes. */
function signs(secret: string, delivery: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${delivery.body}`)
    .digest('base64');
  const signatures = String(delivery.headers['webhook-signature']).split(' ');
  return signatures.includes(`v1,${expected}`);
}

const deliveriesOf = (eventId: string) =>
  received.filter((delivery) => delivery.headers['webhook-id'] === eventId);

const signIn = (who: Credentials) => signInOn(page, who);

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

const dialog = () => page.getByRole('dialog');
const confirmDialog = () => page.getByRole('alertdialog');
const mainNav = () => page.getByRole('navigation', { name: 'Main' });
const developersNav = () => page.getByRole('navigation', { name: 'Developers' });
const deliveryLog = () => page.getByRole('region', { name: 'Delivery log' });
const deliveryRows = (eventId: string) =>
  deliveryLog().locator('tbody tr').filter({ hasText: eventId });

async function horizontalOverflow() {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

let endpointId = '';
let secret = '';
let customerId = '';
let customerEvent = '';

describe('webhooks and events in the dashboard', () => {
  it('adds an endpoint with the event picker and shows its secret once, with Copy', async () => {
    await signIn(dashboard.owner);
    await mainNav().getByRole('link', { name: 'Developers' }).click();
    await page.waitForURL('**/developers/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No test endpoints yet' }).waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    // Checked before sending, with the API's own schema: no URL, no events.
    await dialog().getByRole('button', { name: 'Add endpoint' }).click();
    await dialog().getByText('Choose at least one event, or All events.').waitFor();
    expect(await dialog().getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');

    await dialog().getByLabel('Endpoint URL').fill(`${receiverUrl}/hooks`);
    await dialog().getByLabel('Description').fill('The CRM');
    // All events makes the single boxes moot; unticked again, they are back.
    await dialog().getByLabel('All events').check();
    expect(await dialog().getByLabel('customer.updated', { exact: true }).isDisabled()).toBe(true);
    await dialog().getByLabel('All events').uncheck();
    // A group's own box ticks the whole group; then one type is taken out again.
    await dialog().getByLabel('Payments', { exact: true }).check();
    expect(await dialog().getByLabel('payment.failed', { exact: true }).isChecked()).toBe(true);
    await dialog().getByLabel('payment.failed', { exact: true }).uncheck();
    await dialog().getByLabel('customer.created', { exact: true }).check();
    await dialog().getByLabel('customer.updated', { exact: true }).check();
    await screenshots(page, '30-webhook-add');

    await dialog().getByRole('button', { name: 'Add endpoint' }).click();
    const secretField = dialog().getByLabel('Signing secret');
    await secretField.waitFor();
    secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    await dialog().getByText('you won’t see it again').waitFor();
    await dialog().getByRole('button', { name: 'Copy' }).click();
    await dialog().getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await screenshots(page, '31-webhook-secret');

    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.waitForURL(/\/developers\/webhooks\/we_/);
    endpointId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByRole('heading', { name: `${receiverUrl}/hooks`, level: 1 }).waitFor();
    const stored = await rest<{ enabledEvents: string[]; description: string; secret?: string }>(
      'GET',
      `/v1/webhook_endpoints/${endpointId}`,
    );
    expect(stored.body.enabledEvents).toEqual([
      'customer.created',
      'customer.updated',
      'payment.succeeded',
    ]);
    expect(stored.body.description).toBe('The CRM');
    expect(stored.body.secret).toBeUndefined();
    // Shown once: not on the endpoint's page, not after a reload.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('shows the server’s refusal of a URL on its field (live mode wants https)', async () => {
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await page.getByRole('switch', { name: 'Test mode' }).click();
    await page.getByText('Live mode: changes affect real customers.').waitFor();
    // The list follows the environment: the test endpoint is not a live one.
    await page.getByRole('heading', { name: 'No live endpoints yet' }).waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog().getByLabel('Endpoint URL').fill(`${receiverUrl}/hooks`);
    await dialog().getByLabel('All events').check();
    guard.expectFailure(400, '/trpc/webhookEndpoints.create');
    await dialog().getByRole('button', { name: 'Add endpoint' }).click();
    await dialog()
      .getByText(/Live-mode endpoints must use https/)
      .waitFor();
    expect(await dialog().getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, '32-webhook-live-refused');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('switch', { name: 'Test mode' }).click();
    await page.getByText('Test mode: you are viewing and changing test data.').waitFor();
    await page.getByRole('region', { name: 'Webhook endpoints' }).getByText('The CRM').waitFor();
  });

  it('delivers a change signed with that secret, logs it, and resends it with the same webhook-id', async () => {
    const created = await rest<{ id: string }>('POST', '/v1/customers', {
      name: 'Ada Hooks',
      email: 'ada.hooks@example.com',
    });
    expect(created.status).toBe(200);
    customerId = created.body.id;
    const events = await rest<{ data: { id: string; type: string }[] }>(
      'GET',
      `/v1/events?customer=${customerId}`,
    );
    expect(events.body.data.map((event) => event.type)).toEqual(['customer.created']);
    customerEvent = events.body.data[0]?.id ?? '';

    await page.getByRole('link', { name: `${receiverUrl}/hooks` }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    // The log keeps itself current: the delivery shows up without a reload.
    const first = deliveryRows(customerEvent);
    await first.locator('.status-badge', { hasText: '200' }).waitFor();
    await first.getByRole('link', { name: 'customer.created' }).waitFor();
    expect(await first.getByRole('cell', { name: '1', exact: true }).count()).toBe(1);
    await first.getByRole('button', { name: /^Show the response/ }).click();
    await deliveryLog().getByText('"by":"the e2e receiver"').waitFor();
    await screenshots(page, '33-webhook-delivery-log');

    await first.getByRole('button', { name: `Resend ${customerEvent}` }).click();
    await deliveryLog().getByText(`Resent customer.created (${customerEvent})`).waitFor();
    await expect.poll(() => deliveryRows(customerEvent).count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => deliveryRows(customerEvent).locator('.status-badge', { hasText: '200' }).count())
      .toBe(2);

    // The receiver got the event twice, the same webhook-id and body, signed with the secret
    // the dialog showed (and the clipboard held).
    const deliveries = deliveriesOf(customerEvent);
    expect(deliveries).toHaveLength(2);
    expect(deliveries.map((delivery) => delivery.path)).toEqual(['/hooks', '/hooks']);
    expect(deliveries[0]?.body).toBe(deliveries[1]?.body);
    for (const delivery of deliveries) expect(signs(secret, delivery)).toBe(true);
    const body = JSON.parse(deliveries[0]?.body ?? '{}') as { type: string; data: any };
    expect(body.type).toBe('customer.created');
    expect(body.data.object.id).toBe(customerId);
  });

  it('sends a test event, rolls the secret (both sign for a day), and disables and enables', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    const sent = page.getByRole('status').filter({ hasText: /Test event evt_\w+ sent/ });
    await sent.waitFor();
    const testEvent = /Test event (evt_\w+) sent/.exec((await sent.textContent()) ?? '')?.[1] ?? '';
    await deliveryRows(testEvent).getByRole('link', { name: 'webhook_endpoint.test' }).waitFor();
    await deliveryRows(testEvent).locator('.status-badge', { hasText: '200' }).waitFor();
    expect(signs(secret, deliveriesOf(testEvent)[0] as Received)).toBe(true);

    await page.getByRole('button', { name: 'Roll secret' }).click();
    await confirmDialog().getByText('keeps signing beside it for 24 hours').waitFor();
    await screenshots(page, '34-webhook-roll-confirm');
    await confirmDialog().getByRole('button', { name: 'Roll secret' }).click();
    const rolledField = dialog().getByLabel('Signing secret');
    await rolledField.waitFor();
    const rolled = await rolledField.inputValue();
    expect(rolled).toMatch(/^whsec_/);
    expect(rolled).not.toBe(secret);
    await dialog().getByText('The old secret keeps working for 24 hours').waitFor();
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(rolled);

    await page.getByRole('button', { name: 'Send test event' }).click();
    const again = page.getByRole('status').filter({ hasText: /Test event evt_\w+ sent/ });
    await expect.poll(async () => (await again.textContent())?.includes(testEvent)).toBe(false);
    const secondTest = /Test event (evt_\w+) sent/.exec((await again.textContent()) ?? '')?.[1];
    await expect.poll(() => deliveriesOf(secondTest ?? '').length).toBe(1);
    const overlapping = deliveriesOf(secondTest ?? '')[0] as Received;
    expect(signs(rolled, overlapping)).toBe(true);
    expect(signs(secret, overlapping)).toBe(true);
    secret = rolled;

    await page.getByRole('button', { name: 'Disable' }).click();
    await confirmDialog().getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByText('Endpoint disabled: no events are sent to it').waitFor();
    await page.locator('.status-badge', { hasText: /^Disabled$/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    // A disabled endpoint is sent nothing, so its log offers no Resend.
    expect(
      await deliveryLog()
        .getByRole('button', { name: /^Resend/ })
        .count(),
    ).toBe(0);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Endpoint enabled: new events are sent to it again.').waitFor();
    await page.locator('.status-badge', { hasText: /^Enabled$/ }).waitFor();
  });

  it('says why the system disabled an endpoint that answered 410 Gone', async () => {
    const gone = await rest<{ id: string }>('POST', '/v1/webhook_endpoints', {
      url: `${receiverUrl}/gone`,
      enabledEvents: ['*'],
      description: 'Retired service',
    });
    expect(gone.status).toBe(200);
    await page.goto(`/developers/webhooks/${gone.body.id}`);
    await page.getByRole('button', { name: 'Send test event' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'your endpoint answered 410 Gone' });
    await notice.waitFor({ timeout: 15_000 });
    await deliveryLog().locator('.status-badge', { hasText: '410' }).waitFor();
    await page.locator('.status-badge', { hasText: 'Disabled: 410 Gone' }).waitFor();
    await screenshots(page, '35-webhook-disabled-gone');

    await page.getByRole('link', { name: '← Webhooks' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'An endpoint was disabled' });
    await banner.getByText('your endpoint answered 410 Gone').waitFor();
    await banner.getByRole('link', { name: `${receiverUrl}/gone` }).waitFor();
    await screenshots(page, '36-webhooks');

    // Deleted behind a confirmation that names it.
    await page
      .getByRole('link', { name: `${receiverUrl}/gone` })
      .first()
      .click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await confirmDialog().getByText(`${receiverUrl}/gone`).waitFor();
    await screenshots(page, '37-webhook-delete-confirm');
    await confirmDialog().getByRole('button', { name: 'Delete endpoint' }).click();
    await page.waitForURL((url) => url.pathname === '/developers/webhooks');
    await page.getByText(`The endpoint ${receiverUrl}/gone was deleted.`).waitFor();
    expect((await rest('GET', `/v1/webhook_endpoints/${gone.body.id}`)).status).toBe(404);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('lists events newest first, filtered by type, and shows an event’s JSON', async () => {
    await developersNav().getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    const list = page.getByRole('region', { name: 'Event list' });
    const types = () => list.locator('tbody tr td:first-child a').allTextContents();
    await list.getByRole('link', { name: 'customer.created' }).waitFor();
    const all = await types();
    expect(all[0]).toBe('webhook_endpoint.test');
    expect(all.at(-1)).toBe('customer.created');

    await page.getByLabel('Type').selectOption('customer.*');
    await page.waitForURL((url) => url.searchParams.get('type') === 'customer.*');
    await expect.poll(types).toEqual(['customer.created']);
    await page.getByLabel('Type').selectOption('webhook_endpoint.test');
    await expect
      .poll(types)
      .toEqual(['webhook_endpoint.test', 'webhook_endpoint.test', 'webhook_endpoint.test']);
    await screenshots(page, '38-events');
    await page.getByLabel('Type').selectOption('payment.succeeded');
    await page.getByRole('heading', { name: 'No payment.succeeded events' }).waitFor();
    await page.getByLabel('Type').selectOption('all');
    await page.waitForURL((url) => !url.searchParams.has('type'));

    await list.getByRole('link', { name: 'customer.created' }).click();
    await page.getByRole('heading', { name: 'customer.created', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/developers/events/${customerEvent}`);
    const json = page.locator('pre.code-block');
    const shown = JSON.parse((await json.textContent()) ?? '{}') as Record<string, any>;
    const stored = await rest<Record<string, unknown>>('GET', `/v1/events/${customerEvent}`);
    expect(shown).toEqual(stored.body);
    expect(await json.textContent()).toContain(`\n  "object": "event",\n`);
    await page.getByRole('link', { name: customerId }).waitFor();
    await screenshots(page, '39-event');
  });

  it('shows a customer’s Timeline, newest first, kept current as they change', async () => {
    await page.getByRole('link', { name: customerId }).click();
    await page.getByRole('heading', { name: 'Ada Hooks', level: 1 }).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByRole('link', { name: 'Customer created' }).waitFor();

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByLabel('Name').fill('Ada Hooks-Lovelace');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Ada Hooks-Lovelace', level: 1 }).waitFor();
    await timeline.getByRole('link', { name: 'Customer updated' }).waitFor();
    expect(await timeline.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('customer.updated'),
      expect.stringContaining('customer.created'),
    ]);
    await screenshots(page, '40-customer-timeline');

    // The update went to the endpoint, which subscribes to customer.updated.
    const updated = await rest<{ data: { id: string }[] }>(
      'GET',
      `/v1/events?customer=${customerId}&type=customer.updated`,
    );
    const updateEvent = updated.body.data[0]?.id ?? '';
    await expect.poll(() => deliveriesOf(updateEvent).length).toBe(1);
    expect(signs(secret, deliveriesOf(updateEvent)[0] as Received)).toBe(true);

    await timeline.getByRole('link', { name: 'Customer updated' }).click();
    await page.getByRole('heading', { name: 'customer.updated', level: 1 }).waitFor();
    await page.getByText('"previousAttributes"').waitFor();
  });

  it('keeps the Developers screens within a phone’s width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [
      '/developers/webhooks',
      `/developers/webhooks/${endpointId}`,
      '/developers/events',
      `/developers/events/${customerEvent}`,
      `/customers/${customerId}`,
    ]) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.locator('[aria-busy="true"], .spinner').first().waitFor({ state: 'detached' });
      expect(await horizontalOverflow(), path).toBe(0);
    }
    await page.goto(`/developers/webhooks/${endpointId}`);
    await deliveryRows(customerEvent)
      .first()
      .getByRole('button', { name: /^Show the response/ })
      .click();
    await deliveryLog().getByText('"by":"the e2e receiver"').waitFor();
    expect(await horizontalOverflow()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a viewer webhooks and events without a control, and tells support they are not theirs', async () => {
    await signOut();
    await signIn(dashboard.viewer);
    await mainNav().getByRole('link', { name: 'Developers' }).click();
    await page.getByRole('region', { name: 'Webhook endpoints' }).getByText('The CRM').waitFor();
    expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0);
    await page.getByRole('link', { name: `${receiverUrl}/hooks` }).click();
    await deliveryRows(customerEvent).first().waitFor();
    for (const name of ['Send test event', 'Roll secret', 'Disable', 'Delete', /^Resend/]) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    await screenshots(page, '41-viewer-webhook');
    await page.goto(`/developers/events/${customerEvent}`);
    await page.getByRole('heading', { name: 'customer.created', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Resend to endpoints' }).count()).toBe(0);
    // A viewer reads the Timeline too; signing out from under it asks for nothing more (a 401).
    await page.getByRole('link', { name: customerId }).click();
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('link', { name: 'Customer updated' })
      .waitFor();

    await signOut();
    await signIn(dashboard.support);
    expect(await mainNav().getByRole('link', { name: 'Developers' }).count()).toBe(0);
    for (const path of ['/developers/webhooks', '/developers/events', '/developers']) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      await page.getByText('your role (support) does not').waitFor();
    }
    await screenshots(page, '42-support-developers');
    await page.goto(`/customers/${customerId}`);
    await page.getByRole('heading', { name: 'Ada Hooks-Lovelace', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Payments' }).waitFor();
    expect(await page.getByRole('region', { name: 'Timeline' }).count()).toBe(0);

    // What the hidden screens would ask for, asked from support's page: refused.
    guard.expectFailure(403, '/trpc/events.list');
    guard.expectFailure(403, '/trpc/webhookEndpoints.list');
    const answers = await page.evaluate(async () => {
      const call = async (path: string) => {
        const res = await fetch(`/trpc/${path}?input=${encodeURIComponent('{}')}`, {
          headers: { 'x-peasswap-client': 'dashboard', 'x-peasswap-environment': 'test' },
        });
        const body = (await res.json()) as { error?: { data?: { code?: string } } };
        return { status: res.status, code: body.error?.data?.code };
      };
      return [await call('events.list'), await call('webhookEndpoints.list')];
    });
    expect(answers).toEqual([
      { status: 403, code: 'insufficient_permissions' },
      { status: 403, code: 'insufficient_permissions' },
    ]);
    await signOut();
  });
});
