import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render-html.js';
import { findChromium, PdfError, renderPdf } from '../../src/report/render-pdf.js';
import { CHROMIUM, chromiumMissing } from '../helpers/chromium.js';
import { sampleReport } from '../helpers/report-fixture.js';
import { tempDir } from '../helpers/temp.js';

// The PDF report: the HTML report printed by the real Chromium, and how that Chromium is found.

if (chromiumMissing) console.warn(`PDF rendering test skipped: ${chromiumMissing}`);

/** What a PDF reader checks first: the header, the end-of-file marker, and the pages Chromium wrote. */
function pdfShape(pdf: Uint8Array): { header: string; eof: boolean; pages: number; bytes: number } {
  const text = Buffer.from(pdf).toString('latin1');
  return {
    header: text.slice(0, 5),
    eof: text.trimEnd().endsWith('%%EOF'),
    pages: text.match(/\/Type\s*\/Page\b/g)?.length ?? 0,
    bytes: pdf.length,
  };
}

let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir('ba-report-pdf-');
});
afterAll(() => temp.cleanup());

/** A folder holding executables (shell scripts, or links to `target`) under the given names. */
function binDir(name: string, commands: readonly string[], target?: string): string {
  const dir = join(temp.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const c of commands) {
    if (target) symlinkSync(target, join(dir, c));
    else {
      writeFileSync(join(dir, c), '#!/bin/sh\nexit 1\n');
      chmodSync(join(dir, c), 0o755);
    }
  }
  return dir;
}

describe('finding Chromium', () => {
  it('takes report.chromium as a path relative to the config folder', () => {
    const bin = binDir('own', ['my-chrome']);
    expect(findChromium('./own/my-chrome', { baseDir: temp.dir, env: {} })).toEqual({ path: join(bin, 'my-chrome') });
  });

  it('takes report.chromium as a command on PATH', () => {
    const bin = binDir('named', ['chrome-beta']);
    expect(findChromium('chrome-beta', { baseDir: '/', env: { PATH: bin } })).toEqual({ path: join(bin, 'chrome-beta') });
  });

  it('looks for chromium, chromium-browser and google-chrome on PATH, in that order', () => {
    const chrome = binDir('chrome', ['google-chrome']);
    const both = binDir('both', ['chromium-browser', 'google-chrome']);
    expect(findChromium(undefined, { baseDir: '/', env: { PATH: `${chrome}:${both}` } })).toEqual({
      path: join(both, 'chromium-browser'),
    });
  });

  it('says what it looked for, and how to set report.chromium, when there is none', () => {
    const empty = binDir('empty', []);
    const found = findChromium(undefined, { baseDir: '/', env: { PATH: empty } });
    expect(found).toEqual({ problem: expect.stringContaining('none of chromium, chromium-browser, google-chrome is on PATH') });
    expect(found).toEqual({ problem: expect.stringContaining('set report.chromium in the config to its path') });
  });

  it('refuses a configured browser that is missing or not executable, rather than using another', () => {
    writeFileSync(join(temp.dir, 'not-executable'), 'text');
    const env = { PATH: binDir('other', ['chromium']) };
    expect(findChromium('./not-executable', { baseDir: temp.dir, env })).toEqual({
      problem: `report.chromium: ${join(temp.dir, 'not-executable')} is not an executable file`,
    });
    expect(findChromium('/nowhere/chromium', { baseDir: temp.dir, env })).toEqual({
      problem: 'report.chromium: /nowhere/chromium is not an executable file',
    });
    expect(findChromium('chrome-nightly', { baseDir: temp.dir, env })).toEqual({
      problem: `report.chromium: "chrome-nightly" is not on PATH; give the browser's full path`,
    });
  });
});

describe.skipIf(chromiumMissing !== null)('printing the report to PDF', () => {
  it('prints the HTML report, hostile names included, to a whole PDF: header, pages, end-of-file marker', async () => {
    const pdf = await renderPdf(renderHtml(sampleReport(3)), CHROMIUM);
    const shape = pdfShape(pdf);
    expect(shape.header).toBe('%PDF-');
    expect(shape.eof).toBe(true);
    expect(shape.pages).toBeGreaterThanOrEqual(2);
    expect(shape.bytes).toBeGreaterThan(10_000);
  }, 60_000);

  it('fails with a PdfError naming the browser when it does not start', async () => {
    const broken = join(binDir('broken', ['chromium']), 'chromium');
    const failure = renderPdf(renderHtml(sampleReport()), broken, 20_000);
    await expect(failure).rejects.toBeInstanceOf(PdfError);
    await expect(failure).rejects.toThrow(`cannot start ${broken} to print the PDF`);
  }, 30_000);
});
