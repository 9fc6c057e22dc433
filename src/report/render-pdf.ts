import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { AuditorError } from '../core/errors.js';

/**
 * The report as a PDF: the HTML report printed by headless Chromium through playwright-core. The only
 * place that starts a browser. The page gets no JavaScript and no network (every request is aborted):
 * the report needs neither, and its names come from configs and providers.
 */

/** What is looked for on PATH, in this order, when the config names no `report.chromium`. */
export const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome'] as const;

/** How long Chromium may take to start, and then to lay out and print the report. */
export const PDF_TIMEOUT_MS = 120_000;

/** No Chromium to be found, or it could not print: permanent, and the message says what to do. */
export class PdfError extends AuditorError {
  constructor(message: string, cause?: unknown) {
    super('pdf', message, { permanent: true, cause });
  }
}

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The first executable `command` in the folders of PATH, if any. */
function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.map((d) => join(d, command)).find(isExecutable);
}

/**
 * The Chromium to print with: `report.chromium` when the config names one (a path, relative to the
 * config's folder, or a command on PATH), else the first of CHROMIUM_COMMANDS on PATH. Otherwise a
 * problem naming what was looked for and how to set `report.chromium`.
 */
export function findChromium(
  configured: string | undefined,
  where: { readonly baseDir: string; readonly env: NodeJS.ProcessEnv },
): { path: string } | { problem: string } {
  if (configured !== undefined) {
    if (configured.includes('/') || isAbsolute(configured)) {
      const path = resolve(where.baseDir, configured);
      return isExecutable(path) ? { path } : { problem: `report.chromium: ${path} is not an executable file` };
    }
    const path = onPath(configured, where.env);
    return path ? { path } : { problem: `report.chromium: "${configured}" is not on PATH; give the browser's full path` };
  }
  for (const command of CHROMIUM_COMMANDS) {
    const path = onPath(command, where.env);
    if (path) return { path };
  }
  return {
    problem:
      `no Chromium to print the PDF with: report.chromium is not set and none of ${CHROMIUM_COMMANDS.join(', ')} is on PATH; ` +
      'install Chromium, or set report.chromium in the config to its path (report: { chromium: /usr/bin/chromium })',
  };
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

/** Prints an HTML document (the HTML report) to an A4 PDF with `chromium`, page numbers in the footer. */
export async function renderPdf(html: string, chromium: string, timeoutMs = PDF_TIMEOUT_MS): Promise<Uint8Array> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    throw new PdfError('cannot print a PDF: the playwright-core package is not installed (npm install playwright-core)', err);
  }
  const browser = await playwright.chromium.launch({ executablePath: chromium, headless: true, timeout: timeoutMs }).catch((err) => {
    throw new PdfError(`cannot start ${chromium} to print the PDF: ${firstLine(err)}`, err);
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '14mm', left: '10mm', right: '10mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      // Chromium fills these classes itself (the title escaped); no report text is put in here.
      footerTemplate:
        '<div style="width:100%;padding:0 10mm;font:8px Arial,Helvetica,sans-serif;color:#667085;display:flex;gap:8px;">' +
        '<span class="title" style="flex:1;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;"></span>' +
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>',
    });
  } catch (err) {
    throw new PdfError(`${chromium} could not print the report: ${firstLine(err)}`, err);
  } finally {
    await browser.close().catch(() => {});
  }
}
