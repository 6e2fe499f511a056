import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshots, type BrowserGuard } from './browser';
import type { Dashboard } from './server';
import { dashboardSuite, signIn } from './suite';

/**
 * The Team screen in a real browser against the real server (issue 11): the owner invites a
 * support user and reads the temporary password once; the new user signs in with it, must choose
 * a password before anything else, and then finds no Team screen, the server refusing it too;
 * the owner (in a browser of their own) changes the user's role and removes them, which signs
 * them out at once.
 */
const suite = dashboardSuite({ permissions: ['clipboard-read', 'clipboard-write'] });
let dashboard: Dashboard;
let page: Page;
let guard: BrowserGuard;
/** The owner's own browser context, opened once the new user has the first page. */
let ownerPage: Page;

const NEW_USER = 'new.hire@example.com';
const NEW_PASSWORD = 'a password of my own';
let temporaryPassword = '';

beforeAll(() => {
  ({ dashboard, page, guard } = suite);
});

const main = (on: Page) => on.getByRole('navigation', { name: 'Main' });
const userRow = (on: Page, email: string) => on.getByRole('row').filter({ hasText: email });

async function signOut(on: Page) {
  await on.getByRole('button', { name: 'Sign out' }).click();
  await on.waitForURL('**/sign-in');
}

async function openTeam(on: Page) {
  await main(on).getByRole('link', { name: 'Team' }).click();
  await on.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
}

/** A tRPC call from the page, with its session cookie, as the dashboard would send it. */
function callFromPage(on: Page, path: string, input?: unknown) {
  return on.evaluate(
    async ({ path, input }) => {
      const res =
        input === undefined
          ? await fetch(`/trpc/${path}`, { headers: { 'x-peasswap-client': 'dashboard' } })
          : await fetch(`/trpc/${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-peasswap-client': 'dashboard' },
              body: JSON.stringify(input),
            });
      const body = (await res.json()) as { error?: { data?: { code?: string } } };
      return { status: res.status, code: body.error?.data?.code };
    },
    { path, input },
  );
}

async function horizontalOverflow(on: Page) {
  return on.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

describe('the Team screen in Chromium', () => {
  it('shows the owner the account’s users with role and last sign-in', async () => {
    await signIn(page, dashboard.owner);
    await openTeam(page);
    await userRow(page, dashboard.owner.email).getByText('(you)').waitFor();
    await userRow(page, dashboard.viewer.email).getByText('Never').waitFor();
    await userRow(page, dashboard.support.email).getByText('Support', { exact: true }).waitFor();
    // The only owner: nothing to change or remove.
    await userRow(page, dashboard.owner.email)
      .getByText('The last owner stays an owner.')
      .waitFor();
    expect(await userRow(page, dashboard.owner.email).getByRole('button').count()).toBe(0);
  });

  it('invites a support user and shows the temporary password once, with a copy button', async () => {
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(NEW_USER);
    await dialog.getByLabel('Role').selectOption('support');
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    const field = dialog.getByLabel('Temporary password');
    await field.waitFor();
    temporaryPassword = await field.inputValue();
    expect(temporaryPassword).toMatch(/^[0-9A-Za-z]{20}$/);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByText(/Copied to the clipboard\.|Selected: press Ctrl\+C/).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(temporaryPassword);
    await screenshots(page, 'team-1-invited');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    await userRow(page, NEW_USER).getByText('Invited, password not yet chosen').waitFor();
    expect(await page.content()).not.toContain(temporaryPassword);
    await screenshots(page, 'team-2-list');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      expect(await horizontalOverflow(page), `overflow at ${width}px`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses an invitation for an email that already signs in, on the field', async () => {
    guard.expectFailure(409, '/trpc/users.invite');
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(dashboard.viewer.email);
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await dialog.getByText('A dashboard user already signs in with this email.').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('makes the new user choose a password before anything else', async () => {
    await signOut(page);
    await page.getByLabel('Email').fill(NEW_USER);
    await page.getByLabel('Password').fill(temporaryPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your password', level: 1 }).waitFor();
    expect(await main(page).count()).toBe(0);

    // The server refuses the session everything else, whatever the page shows.
    guard.expectFailure(403, '/trpc/customers.list');
    expect(await callFromPage(page, 'customers.list?input=%7B%7D')).toEqual({
      status: 403,
      code: 'password_change_required',
    });

    // The temporary password again is refused by the server, on its field.
    guard.expectFailure(400, '/trpc/session.changePassword');
    await page.getByLabel('Temporary password').fill(temporaryPassword);
    await page.getByLabel('New password', { exact: true }).fill(temporaryPassword);
    await page.getByLabel('Repeat the new password').fill(temporaryPassword);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByText('Choose a password other than your current one.').waitFor();
    await screenshots(page, 'team-3-choose-password');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.locator('.role-badge', { hasText: 'support' }).waitFor();
  });

  it('shows a support user no Team screen, and the server refuses them users', async () => {
    await main(page).getByRole('link', { name: 'Customers' }).waitFor();
    expect(await main(page).getByRole('link', { name: 'Team' }).count()).toBe(0);
    await page.goto('/team');
    await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
    guard.expectFailure(403, '/trpc/users.list');
    guard.expectFailure(403, '/trpc/users.updateRole');
    expect(await callFromPage(page, 'users.list')).toEqual({
      status: 403,
      code: 'insufficient_permissions',
    });
    const me = await page.evaluate(async () => {
      const res = await fetch('/trpc/session.me', {
        headers: { 'x-peasswap-client': 'dashboard' },
      });
      return ((await res.json()) as { result: { data: { user: { id: string } } } }).result.data;
    });
    expect(await callFromPage(page, 'users.updateRole', { id: me.user.id, role: 'owner' })).toEqual(
      { status: 403, code: 'insufficient_permissions' },
    );
  });

  it('lets the owner change the new user’s role and remove them, which signs them out', async () => {
    // The owner works in a browser of their own while the new user stays signed in here.
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({
      baseURL: dashboard.url,
      viewport: { width: 1280, height: 800 },
    });
    await guard.attach(context);
    ownerPage = await context.newPage();
    ownerPage.setDefaultTimeout(10_000);
    guard.watch(ownerPage);
    await signIn(ownerPage, dashboard.owner);
    await openTeam(ownerPage);
    const row = userRow(ownerPage, NEW_USER);
    await row.getByText('Support', { exact: true }).waitFor();
    expect(await row.getByText('Invited, password not yet chosen').count()).toBe(0);
    expect(await row.getByText('Never').count()).toBe(0);

    await row.getByRole('button', { name: 'Change role' }).click();
    const dialog = ownerPage.getByRole('dialog');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Viewer', { exact: true }).waitFor();
    // The new role holds on the new user's next request.
    await page.reload();
    await page.locator('.role-badge', { hasText: 'viewer' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create customer' }).count()).toBe(0);

    await row.getByRole('button', { name: 'Remove' }).click();
    const confirm = ownerPage.getByRole('alertdialog');
    await confirm.getByText(`Remove ${NEW_USER}?`).waitFor();
    await screenshots(ownerPage, 'team-4-remove');
    await confirm.getByRole('button', { name: 'Remove user' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await screenshots(ownerPage, 'team-5-after-remove');

    // Their session ended with them: the next page load asks them to sign in.
    await page.reload();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('Email').fill(NEW_USER);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    guard.expectFailure(401, '/trpc/session.signIn');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is incorrect.').waitFor();
    await context.close();
  });
});
