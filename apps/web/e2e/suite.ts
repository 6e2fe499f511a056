import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { BrowserGuard, launchChromium } from './browser';
import { startDashboard, type Credentials, type Dashboard } from './server';

export interface DashboardSuite {
  /** Set by the suite's beforeAll: read them in hooks and tests, not when the file loads. */
  dashboard: Dashboard;
  page: Page;
  guard: BrowserGuard;
  rest: RestCall;
}

/** A call to the REST API with `key`, as an integration would make it. */
export type RestCall<Body = unknown> = <T = Body>(
  method: string,
  path: string,
  key: string,
  body?: unknown,
) => Promise<{ status: number; body: T }>;

/**
 * A browser test file's shared setup: the real server on a fresh database and one page in
 * Chromium, guarded against console errors and requests leaving the server. The flows build on
 * one another, so after a failure the rest are skipped (they would only fail for its sake) and
 * what the browser and the server said is printed.
 */
export function dashboardSuite(
  contextOptions: Pick<BrowserContextOptions, 'permissions'> = {},
): DashboardSuite {
  let closeBrowser: (() => Promise<void>) | undefined;
  const rest: RestCall = async (method, path, key, body) => {
    const res = await fetch(`${suite.dashboard.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as never };
  };
  // The rest is filled in by beforeAll, before any test or later hook reads it.
  const suite = { rest } as Pick<DashboardSuite, 'rest'> as DashboardSuite;

  beforeAll(async () => {
    suite.dashboard = await startDashboard();
    const browser = await launchChromium();
    closeBrowser = () => browser.close();
    suite.guard = new BrowserGuard(suite.dashboard.url);
    const context = await browser.newContext({
      baseURL: suite.dashboard.url,
      viewport: { width: 1280, height: 800 },
      ...contextOptions,
    });
    await suite.guard.attach(context);
    suite.page = await context.newPage();
    suite.page.setDefaultTimeout(10_000);
    suite.guard.watch(suite.page);
  });

  afterAll(async () => {
    await closeBrowser?.();
    await suite.dashboard?.stop();
  });

  let failed = false;
  beforeEach((context) => {
    if (failed) context.skip();
  });

  afterEach((context) => {
    const problems = suite.guard.report();
    if (context.task.result?.state === 'fail' || problems.length > 0) {
      failed = true;
      process.stderr.write(
        `browser problems:\n${problems.join('\n')}\nserver output:\n${suite.dashboard.output()}\n`,
      );
    }
    expect(problems).toEqual([]);
  });

  return suite;
}

/** Signs in from a fresh visit and waits for the screen it lands on, the customers list. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto('/');
  await page.waitForURL('**/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/customers');
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
}
