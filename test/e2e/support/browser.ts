// Headless Chromium (Debian's) driven by playwright-core, with a fresh profile for every run.
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.LAYERLENS_CHROMIUM ?? '/usr/bin/chromium';

const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(profileDir: string, url: string): Promise<Browser> {
  // playwright-core kills the browsers it launched when this process exits, on failure too.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  return { context, page, close: () => context.close() };
}
