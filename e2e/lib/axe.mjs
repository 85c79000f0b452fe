// Runs axe-core in a page and returns its violations of WCAG 2.2 A/AA and
// best practice, as lines a person can read.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

// The page's Content-Security-Policy forbids injected scripts, rightly:
// the context that runs this must be made with bypassCSP.
export async function axeViolations(page, { impacts = ['serious', 'critical'] } = {}) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  const found = [];
  for (const v of result.violations) {
    if (!impacts.includes(v.impact)) continue;
    for (const n of v.nodes) {
      found.push(`${v.id} (${v.impact}): ${v.help}\n    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`);
    }
  }
  return found;
}
