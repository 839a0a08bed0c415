// Accessibility check of redress reports in a real browser.
//
//   node axe.mjs SCREENSHOT_DIR report.html [report.html ...]
//
// Opens each report in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM), runs the axe-core engine for WCAG 2.0/2.1/2.2 A and AA, checks
// that the page reflows without horizontal scrolling at 320 px wide (and so at
// 400% zoom of a 1280 px window, which covers 200%), and saves full-page
// screenshots at phone and desktop widths. Prints one JSON line per report and
// exits 1 if any report has a violation.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [shots, ...files] = process.argv.slice(2);
if (!shots || files.length === 0) {
  console.error('usage: node axe.mjs SCREENSHOT_DIR report.html...');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
let failed = false;
try {
  for (const file of files) {
    const path = resolve(file);
    const name = basename(path, '.html');
    const violations = [];
    for (const [label, width] of [['phone', 320], ['desktop', 1280]]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto('file://' + path);
      if (label === 'desktop') {
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate((t) => window.axe.run(document, { runOnly: { type: 'tag', values: t } }), tags);
        for (const v of result.violations) {
          violations.push({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) });
        }
      } else {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 1) {
          violations.push({ rule: 'reflow-320', impact: 'serious', help: `page scrolls sideways by ${overflow}px at 320px wide`, nodes: [] });
        }
      }
      await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
      await page.close();
    }
    if (violations.length > 0) failed = true;
    console.log(JSON.stringify({ report: path, violations }));
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
