// The demo blog in a real browser (Debian's Chromium, headless): pages
// render styled, images load, nothing fails or leaves the machine, the
// pages work without JavaScript, dark mode is dark and readable, and an
// accessibility checker finds nothing to fix.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startGrail } from '../lib/grail.mjs';
import { chromiumProblem, gate, assertAvailable } from '../lib/tools.mjs';
import { launchChromium, watchContext } from '../lib/browser.mjs';
import { contrast, luminance } from '../lib/color.mjs';

const POST = '/blog/choosing-a-qmk-layout-for-a-36-key-split';
const POST_TITLE = 'Choosing a QMK layout for a 36-key split';
const IMAGE = '/media/2024/layout-36.png';
const SITE_TITLE = 'Home Row';

const problem = chromiumProblem();

describe('in Chromium', gate(problem), () => {
  let server;
  let browser;

  before(async () => {
    assertAvailable(problem);
    server = await startGrail();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // visit opens path in a new context with the given options, runs check
  // on the page, and then asserts that nothing went wrong on the way.
  async function visit(path, contextOptions, check) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
    const log = watchContext(context);
    try {
      const page = await context.newPage();
      const res = await page.goto(server.origin + path, { waitUntil: 'load', timeout: 30_000 });
      assert.equal(res.status(), 200, `GET ${path}`);
      await check(page);
      await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
      assertClean(log, path);
    } finally {
      await context.close();
    }
  }

  function assertClean(log, path) {
    const consoleProblems = log.console
      .filter((m) => m.type === 'error' || m.type === 'warning')
      .map((m) => `${m.type}: ${m.text}${m.where ? ` (${m.where})` : ''}`);
    assert.deepEqual(consoleProblems, [], `console errors or warnings on ${path}`);
    assert.deepEqual(log.pageErrors, [], `uncaught exceptions on ${path}`);
    assert.deepEqual(log.failed, [], `failed requests on ${path}`);
    assert.deepEqual(log.badStatus, [], `error responses on ${path}`);
    const outside = log.requests.filter((u) => {
      const url = new URL(u);
      if (url.protocol === 'data:') return false;
      return !(url.protocol === 'http:' && url.host === server.host);
    });
    assert.deepEqual(outside, [], `requests from ${path} that leave ${server.host}`);
    assert.ok(log.requests.length >= 2, `only ${log.requests.length} request(s) recorded for ${path}`);
  }

  async function assertStyled(page) {
    const s = await page.evaluate(() => {
      const body = getComputedStyle(document.body);
      const wrap = document.querySelector('main.wrap');
      return {
        sheets: document.styleSheets.length,
        font: body.fontFamily,
        margin: body.margin,
        wrapMax: wrap ? getComputedStyle(wrap).maxWidth : null,
        headerFont: getComputedStyle(document.querySelector('.site-header')).fontFamily,
      };
    });
    assert.equal(s.sheets, 1, 'one stylesheet loaded');
    // The browser default would be "Times New Roman" and an 8px margin.
    assert.match(s.font, /ui-serif/, `body font-family is ${s.font}`);
    assert.match(s.headerFont, /system-ui/, `header font-family is ${s.headerFont}`);
    assert.equal(s.margin, '0px', 'body margin');
    assert.equal(s.wrapMax, '672px', 'the text column is 42rem wide');
  }

  async function assertNoScript(page) {
    assert.equal(await page.locator('script').count(), 0, 'the page has <script> elements');
  }

  async function assertImageLoaded(page) {
    const img = page.locator(`img[src="${IMAGE}"]`);
    assert.equal(await img.count(), 1, `the post has the image ${IMAGE}`);
    assert.ok((await img.getAttribute('alt'))?.length > 20, 'the image has a descriptive alt text');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return el && el.complete;
    }, `img[src="${IMAGE}"]`, { timeout: 10_000 });
    const { naturalWidth, width } = await img.evaluate((el) => ({ naturalWidth: el.naturalWidth, width: el.getBoundingClientRect().width }));
    assert.ok(naturalWidth > 0, `the image did not load (naturalWidth ${naturalWidth})`);
    assert.ok(width > 0 && width <= 672, `the image is ${width}px wide, outside the text column`);
  }

  async function assertHome(page) {
    assert.equal(await page.title(), SITE_TITLE);
    const h1 = page.locator('h1');
    assert.equal(await h1.count(), 1, 'one h1');
    assert.equal((await h1.textContent()).trim(), SITE_TITLE);
    const titles = page.locator('article.post h2.post-title a');
    assert.equal(await titles.count(), 5, 'the home page shows homePosts = 5 posts');
    assert.equal((await titles.first().textContent()).trim(), 'Small things I learned in 2025', 'newest post first');
    for (const name of ['Archive', 'Categories', 'Tags', 'About', 'Now', 'Feed']) {
      assert.ok(await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name, exact: true }).isVisible(), `nav link ${name}`);
    }
    assert.ok(await page.getByRole('link', { name: 'Older posts →' }).isVisible(), 'a link to older posts');
  }

  async function assertPost(page) {
    assert.equal((await page.locator('h1').textContent()).trim(), POST_TITLE);
    assert.equal(await page.title(), `${POST_TITLE} · ${SITE_TITLE}`);
    assert.ok(await page.locator('article .content table').isVisible(), 'the table is shown');
    assert.equal(await page.locator('.content .task').count(), 4, 'the task list has four items');
    assert.ok(await page.locator('.content pre code').first().isVisible(), 'the code is shown');
    const keyword = await page.locator('.content pre .hl-k').first().evaluate((el) => getComputedStyle(el).color);
    const plain = await page.locator('.content pre').first().evaluate((el) => getComputedStyle(el).color);
    assert.notEqual(keyword, plain, 'code keywords are highlighted');
    assert.equal(await page.locator('.post-meta time').first().getAttribute('datetime'), '2024-02-03T14:00:00+01:00');
    await assertImageLoaded(page);
  }

  test('the home page renders styled, with the five newest posts', async () => {
    await visit('/', {}, async (page) => {
      await assertHome(page);
      await assertStyled(page);
      await assertNoScript(page);
    });
  });

  test('a post renders: title, table, task list, highlighted code, image', async () => {
    await visit(POST, {}, async (page) => {
      await assertPost(page);
      await assertStyled(page);
      await assertNoScript(page);
    });
  });

  test('the pages work the same with JavaScript disabled', async () => {
    await visit('/', { javaScriptEnabled: false }, async (page) => {
      await assertHome(page);
      await assertStyled(page);
      await assertNoScript(page);
    });
    await visit(POST, { javaScriptEnabled: false }, async (page) => {
      await assertPost(page);
      await assertStyled(page);
      // Following a link works without script too.
      await Promise.all([page.waitForURL(`${server.origin}/category/hardware/keyboards`), page.getByRole('link', { name: 'keyboards', exact: true }).click()]);
      assert.equal((await page.locator('h1').textContent()).trim(), 'keyboards');
    });
  });

  for (const scheme of ['light', 'dark']) {
    test(`${scheme} mode: background, text and links have WCAG AA contrast`, async () => {
      for (const path of ['/', POST]) {
        await visit(path, { colorScheme: scheme }, async (page) => {
          const c = await page.evaluate(() => {
            const color = (sel, prop = 'color') => {
              const el = document.querySelector(sel);
              return el ? getComputedStyle(el)[prop] : null;
            };
            return {
              bg: color('body', 'backgroundColor'),
              text: color('.content p'),
              muted: color('.post-meta'),
              link: color('.content a, .taxonomy a, .read-more a'),
              nav: color('.site-header nav a'),
              codeBg: color('.content pre', 'backgroundColor'),
              code: color('.content pre'),
            };
          });
          const bgLum = luminance(c.bg);
          if (scheme === 'dark') assert.ok(bgLum < 0.05, `dark mode background ${c.bg} is not dark (luminance ${bgLum.toFixed(3)})`);
          else assert.ok(bgLum > 0.85, `light mode background ${c.bg} is not light (luminance ${bgLum.toFixed(3)})`);
          for (const [name, fg, bg] of [['body text', c.text, c.bg], ['muted text', c.muted, c.bg], ['links', c.link, c.bg], ['navigation', c.nav, c.bg], ['code', c.code, c.codeBg]]) {
            if (fg === null || bg === null) continue;
            const ratio = contrast(fg, bg);
            assert.ok(ratio >= 4.5, `${scheme} ${path}: ${name} ${fg} on ${bg} has contrast ${ratio.toFixed(2)}, below 4.5`);
          }
        });
      }
    });
  }

  // Every token of highlighted code, punctuation included (which axe's
  // contrast rule skips), must be readable on the code block's background.
  // The dark one fails while internal/web/theme.go's dark palette leaves
  // some light token colours in force: see e2e/README.md.
  for (const scheme of ['light', 'dark']) {
    test(`${scheme} mode: every highlighted code token has WCAG AA contrast`, async () => {
      const bad = new Map();
      for (const path of [POST, '/blog/conditional-requests-in-go', '/blog/the-hour-that-happens-twice', '/blog/building-a-tiny-keyboard-firmware-feature-in-c']) {
        await visit(path, { colorScheme: scheme }, async (page) => {
          const tokens = await page.evaluate(() => [...document.querySelectorAll('.content pre')].flatMap((pre) => {
            const bg = getComputedStyle(pre).backgroundColor;
            return [...pre.querySelectorAll('span')]
              .filter((el) => el.children.length === 0 && el.textContent.trim() !== '')
              .map((el) => ({ cls: el.className, text: el.textContent.trim(), color: getComputedStyle(el).color, bg: getComputedStyle(el).backgroundColor === 'rgba(0, 0, 0, 0)' ? bg : getComputedStyle(el).backgroundColor }));
          }));
          assert.ok(tokens.length > 20, `${path}: only ${tokens.length} code tokens found`);
          for (const t of tokens) {
            const ratio = contrast(t.color, t.bg);
            if (ratio < 4.5 && !bad.has(t.cls)) bad.set(t.cls, `.${t.cls} (e.g. ${JSON.stringify(t.text.slice(0, 20))} in ${path}): ${t.color} on ${t.bg}, contrast ${ratio.toFixed(2)}`);
          }
        });
      }
      assert.deepEqual([...bad.values()], [], `${scheme} mode: code tokens below 4.5:1`);
    });
  }

  test('keyboard: the first Tab shows a "Skip to content" link with a visible focus outline', async () => {
    await visit(POST, { javaScriptEnabled: false }, async (page) => {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return { text: el.textContent, href: el.getAttribute('href'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom };
      });
      assert.equal(focused.text, 'Skip to content');
      assert.equal(focused.href, '#main');
      assert.ok(focused.top >= 0 && focused.bottom <= 900, `the focused skip link is off screen (${focused.top}..${focused.bottom})`);
      assert.notEqual(focused.outline, 'none', 'the focused link has no outline');
      assert.ok(focused.width >= 2, `the focus outline is ${focused.width}px`);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => document.activeElement.closest('main') !== null);
      assert.ok(next, 'after the skip link, Tab moves into the main content');
    });
  });

  test('on a phone-sized screen nothing scrolls sideways', async () => {
    for (const path of ['/', POST, '/archive', '/categories']) {
      await visit(path, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }, async (page) => {
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
        assert.ok(scrollWidth <= clientWidth, `${path}: the page is ${scrollWidth}px wide on a ${clientWidth}px screen`);
        const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.content p') ?? document.body).fontSize));
        assert.ok(fontSize >= 16, `${path}: body text is ${fontSize}px on a phone`);
      });
    }
  });

  // Fails while code blocks that scroll sideways cannot be reached by
  // keyboard and the dark code palette leaks light colours: see e2e/README.md.
  test('axe-core finds no accessibility violations (WCAG 2.2 A/AA and best practices), light, dark and phone', async () => {
    const require = createRequire(import.meta.url);
    const axePath = require.resolve('axe-core/axe.min.js');
    const found = [];
    const setups = [
      ['light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
      ['dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
      ['phone', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'light' }],
    ];
    for (const [setup, options] of setups) {
      for (const path of ['/', POST, '/archive', '/categories', '/tags', '/category/hardware/keyboards', '/about', '/page/2', '/no-such-page']) {
        // axe is a script, which the pages' CSP rightly forbids: let it in.
        const context = await browser.newContext({ ...options, bypassCSP: true });
        try {
          const page = await context.newPage();
          await page.goto(server.origin + path, { waitUntil: 'load', timeout: 30_000 });
          await page.addScriptTag({ path: axePath });
          const result = await page.evaluate(() => window.axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
            resultTypes: ['violations'],
          }));
          for (const v of result.violations) {
            for (const n of v.nodes) {
              found.push(`${setup} ${path}: ${v.id} (${v.impact}): ${v.help}\n    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`);
            }
          }
        } finally {
          await context.close();
        }
      }
    }
    assert.equal(found.length, 0, `axe found ${found.length} problem(s):\n${found.join('\n')}`);
  });
});
