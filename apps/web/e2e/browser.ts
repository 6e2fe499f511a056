import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); never a downloaded build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

interface ExpectedFailure {
  status: number;
  path: string;
}

/**
 * Fails the suite on any console error or warning, uncaught page error, or request that leaves
 * the server under test. The one exception: Chromium itself logs "Failed to load resource" for
 * every 4xx answer, so an answer a test provokes on purpose (a duplicate email's 409, a viewer's
 * 403) is declared beforehand with `expectFailure` and consumed once seen.
 */
export class BrowserGuard {
  readonly problems: string[] = [];
  private readonly expected: ExpectedFailure[] = [];

  constructor(private readonly origin: string) {}

  async attach(context: BrowserContext): Promise<void> {
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(this.origin) || url.startsWith('data:')) return route.continue();
      this.problems.push(`external request blocked: ${url}`);
      return route.abort();
    });
  }

  watch(page: Page): void {
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const type = message.type();
      if (type !== 'error' && type !== 'warning') return;
      const text = message.text();
      const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(
        text,
      )?.[1];
      if (status !== undefined && this.consume(Number(status), message.location().url)) return;
      this.problems.push(`console ${type}: ${text} (${message.location().url})`);
    });
  }

  expectFailure(status: number, path: string): void {
    this.expected.push({ status, path });
  }

  private consume(status: number, url: string): boolean {
    const pathname = new URL(url, this.origin).pathname;
    const index = this.expected.findIndex(
      (expected) => expected.status === status && pathname.startsWith(expected.path),
    );
    if (index === -1) return false;
    this.expected.splice(index, 1);
    return true;
  }

  /** Problems so far, and expected failures that never happened (a test that proved nothing). */
  report(): string[] {
    return [
      ...this.problems,
      ...this.expected.map((e) => `expected a ${e.status} from ${e.path}, which never came`),
    ];
  }
}

const screenshotsDir = fileURLToPath(new URL('../screenshots/', import.meta.url));
export const WIDTHS = [1280, 390] as const;
const HEIGHTS = { 1280: 800, 390: 844 } as const;

/**
 * Screenshots into the git-ignored screenshots/ folder: the whole page at desktop width, and at
 * phone width both the first screen (what a phone shows) and the whole page.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
    // Let layout settle after the resize (media queries, wrapped rows) before the capture.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const file = (suffix: string) => path.join(screenshotsDir, `${name}-${width}${suffix}.png`);
    await page.screenshot({ path: file(''), fullPage: width === 1280 });
    if (width !== 1280) await page.screenshot({ path: file('-full'), fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHTS[WIDTHS[0]] });
}
