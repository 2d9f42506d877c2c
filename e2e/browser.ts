/** Finds and launches the system Chromium (Debian's `chromium` package) through playwright-core. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { clockShiftMs, repoRoot } from './server';

export const screenshotDir = path.join(repoRoot, 'test-results');

/** CHROMIUM_PATH, else `which chromium`, else /usr/bin/chromium; null when none exists. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (found && existsSync(found)) return found;
    } catch {
      // not on PATH
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

export const CHROMIUM_MISSING =
  "Chromium not found: install Debian's `chromium` package or set CHROMIUM_PATH to a Chromium binary.";

/**
 * Launches Chromium. Every context it opens runs its pages' clock (Playwright's `clock.install`:
 * `Date`, timers and `performance` faked, time flowing at real speed) from the same fixed start as
 * the browser-test servers (e2e/server.ts `clockShiftMs`), so what the UI computes from "today"
 * matches the server whatever day the suite runs.
 */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    // Without animations a step waits for nothing but the app (antd turns its motion off for
    // prefers-reduced-motion: src/web/main.tsx).
    const context = await newContext({ reducedMotion: 'reduce', ...options });
    await context.clock.install({ time: Date.now() + clockShiftMs() });
    return context;
  };
  return browser;
}

/** Saves test-results/<name>.png; dialogs are shot at viewport size once their animation ends. */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  const fullPage = opts.fullPage ?? true;
  if (!fullPage) await page.waitForTimeout(400);
  // Sticky headers and bars would otherwise be painted where the page happened to be scrolled.
  else await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}

/** Collects uncaught page errors and console errors, ignoring failed requests the test provoked. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (text.startsWith('Failed to load resource')) return;
    errors.push(`console.error: ${text}`);
  });
  return errors;
}

export const visible = (locator: Locator, timeout = 15_000) =>
  locator.first().waitFor({ state: 'visible', timeout });
export const hidden = (locator: Locator, timeout = 15_000) =>
  locator.first().waitFor({ state: 'hidden', timeout });

/** Polls until the condition holds (for counts, which locators do not wait for). */
export async function until(
  condition: () => Promise<boolean>,
  timeout = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The Chromium to drive, or null: on CI a missing Chromium registers a failing test (browser
 * tests must not skip silently there); elsewhere the suite is skipped with a printed reason.
 */
export function chromiumOrSkip(suite: string): string | null {
  const found = findChromium();
  if (found) return found;
  if (process.env.CI === 'true') {
    describe(suite, () => {
      it('needs Chromium on CI', () => {
        throw new Error(CHROMIUM_MISSING);
      });
    });
  } else {
    console.warn(`[e2e] ${suite} skipped: ${CHROMIUM_MISSING}`);
  }
  return null;
}
