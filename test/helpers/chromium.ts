import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

// Headless Chromium for the tests that look at a rendered report, launched as the screenshot test
// launches it: Debian's `chromium` (or CHROMIUM_PATH), without the sandbox, headless.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export const chromiumMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}
