// `npm run screenshot`: regenerates the README's screenshots of the demo
// blog, docs/screenshots/home.png and post.png, at 1280×900 in light mode.
// They show the fonts of the machine that runs this.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startGrail, repoRoot } from './lib/grail.mjs';
import { chromiumProblem } from './lib/tools.mjs';
import { ensureDeps } from './lib/ensure-deps.mjs';

ensureDeps();
const { launchChromium } = await import('./lib/browser.mjs');

const shots = [
  ['home.png', '/'],
  ['post.png', '/blog/choosing-a-qmk-layout-for-a-36-key-split'],
];

const problem = chromiumProblem();
if (problem) {
  console.error(`screenshot: ${problem}`);
  process.exit(1);
}
const outDir = path.join(repoRoot, 'docs', 'screenshots');
mkdirSync(outDir, { recursive: true });
const server = await startGrail();
let browser;
try {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1 });
  const page = await context.newPage();
  for (const [file, urlPath] of shots) {
    const res = await page.goto(server.origin + urlPath, { waitUntil: 'networkidle', timeout: 30_000 });
    if (res.status() !== 200) throw new Error(`GET ${urlPath}: ${res.status()}`);
    // Lazy images below the fold would otherwise be blank.
    await page.evaluate(() => Promise.all([...document.images].map((img) => {
      img.loading = 'eager';
      return img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; });
    })));
    const out = path.join(outDir, file);
    await page.screenshot({ path: out, animations: 'disabled' });
    console.log(`screenshot: wrote ${path.relative(repoRoot, out)}`);
  }
} finally {
  await browser?.close();
  await server.stop();
}
