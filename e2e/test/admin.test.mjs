// The writer's side in a real browser (Debian's Chromium, headless), on a
// copy of the demo blog with an account made by `grail user add`: log in,
// write a post with images uploaded by the button and by drag-and-drop,
// publish it and find it on the home page and in the feed, save it from
// two tabs and get the conflict page, delete it and restore it from the
// trash; the same without JavaScript; and axe-core finds nothing serious.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../lib/grail.mjs';
import { startSite, WRITER, PASSWORD } from '../lib/site.mjs';
import { chromiumProblem, gate, assertAvailable } from '../lib/tools.mjs';
import { launchChromium, watchContext } from '../lib/browser.mjs';
import { axeViolations } from '../lib/axe.mjs';

const IMAGE = readFileSync(path.join(repoRoot, 'examples/demo/media/2024/layout-36.png'));
// The screenshots in docs/ are rewritten only when asked for
// (GRAIL_SCREENSHOTS=1), so that a test run leaves the work tree as it was.
const SCREENSHOTS = process.env.GRAIL_SCREENSHOTS ? path.join(repoRoot, 'docs', 'screenshots') : mkdtempSync(path.join(os.tmpdir(), 'grail-admin-shots-'));
const TITLE = 'Notes from the browser';
const SLUG = 'notes-from-the-browser';
const KEY = `posts/${SLUG}.md`;

const problem = chromiumProblem();

describe('the admin in Chromium', gate(problem), () => {
  let site;
  let browser;

  before(async () => {
    assertAvailable(problem);
    site = await startSite();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.stop();
  });

  // withAuthor runs fn with a logged-in page in a fresh context, and then
  // checks that nothing failed on the way.
  async function withAuthor(fn, { contextOptions = {}, allowStatus = [] } = {}) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...contextOptions });
    const log = watchContext(context);
    try {
      const page = await context.newPage();
      await logIn(page);
      await fn(page, context);
      assertClean(log, allowStatus);
    } finally {
      await context.close();
    }
  }

  async function logIn(page) {
    await page.goto(`${site.origin}/admin`);
    assert.match(page.url(), /\/admin\/login\?next=%2Fadmin$/);
    await page.getByLabel('Name').fill(WRITER);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${site.origin}/admin`), page.getByRole('button', { name: 'Log in' }).click()]);
  }

  function assertClean(log, allowStatus) {
    // An expected error status is also reported on the console.
    const expected = (m) => allowStatus.some((code) => m.text.includes(`status of ${code} `));
    const consoleProblems = log.console
      .filter((m) => (m.type === 'error' || m.type === 'warning') && !expected(m))
      .map((m) => `${m.type}: ${m.text} ${m.where}`);
    assert.deepEqual(consoleProblems, [], 'console errors or warnings');
    assert.deepEqual(log.pageErrors, [], 'uncaught exceptions');
    const bad = log.badStatus.filter((s) => !allowStatus.some((code) => s.startsWith(`${code} `)));
    assert.deepEqual(bad, [], 'error responses');
    const outside = log.requests.filter((u) => !u.startsWith(site.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(outside, [], 'requests that leave the test server');
  }

  async function editorText(page) {
    return page.locator('#body').inputValue();
  }

  test('a wrong password gets one plain message and no session', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/admin/login`);
      await page.getByLabel('Name').fill(WRITER);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('That name and password do not match an account.').waitFor();
      assert.deepEqual(await context.cookies(), []);
    } finally {
      await context.close();
    }
  });

  test('write a post with two uploaded images, publish it, and readers see it', async () => {
    await withAuthor(async (page) => {
      await page.getByRole('link', { name: 'New post', exact: true }).first().click();
      await page.waitForURL(/\/admin\/new$/);
      await page.getByLabel('Title').fill(TITLE);
      assert.equal(await page.getByLabel(/^Slug/).inputValue(), SLUG, 'the slug follows the title');
      assert.match(await page.locator('#date-zone').textContent(), /Europe\/Berlin/);

      const body = page.locator('#body');
      await body.fill('## A layout\n\nWritten in a *real* browser.\n\n');
      await body.press('End');

      // The upload button: the link goes where the cursor is.
      await page.locator('#file').setInputFiles({ name: 'Split Layout.png', mimeType: 'image/png', buffer: IMAGE });
      await page.waitForFunction(() => /!\[Split Layout\]\(\/media\/\d{4}\/split-layout\.png\)/.test(document.getElementById('body').value));

      // Drag and drop onto the text.
      await page.evaluate((bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
        const ta = document.getElementById('body');
        ta.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        ta.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [...IMAGE]);
      await page.waitForFunction(() => /!\[dropped\]\(\/media\/\d{4}\/dropped\.png\)/.test(document.getElementById('body').value));

      // The live preview shows both images and the emphasis.
      await page.locator('#preview img[src*="split-layout.png"]').waitFor();
      await page.locator('#preview img[src*="dropped.png"]').waitFor();
      assert.equal(await page.locator('#preview em').textContent(), 'real');

      // Autosave says when it kept the draft.
      await page.locator('#autosave-status', { hasText: /Saved draft at \d\d:\d\d/ }).waitFor({ timeout: 15_000 });

      await page.getByLabel('Tags').fill('browsers, testing');
      await page.getByLabel('Categories').fill('Web');
      await page.getByRole('radio', { name: /Published/ }).check();
      await Promise.all([page.waitForURL(/\/admin\/edit\?saved=1&key=posts%2Fnotes-from-the-browser\.md$/), page.getByRole('button', { name: 'Save', exact: true }).click()]);
      await page.getByText(/^Saved at \d\d:\d\d\.$/).waitFor();
      assert.match(await editorText(page), /!\[dropped\]/);

      // Readers see it at once: on the home page, in the feed, as a page.
      const home = await page.context().newPage();
      await home.goto(site.origin + '/');
      assert.equal((await home.locator('article.post h2.post-title a').first().textContent()).trim(), TITLE);
      const feed = await (await fetch(`${site.origin}/feed.atom`)).text();
      assert.match(feed, new RegExp(`<title[^>]*>${TITLE}</title>`));
      await home.goto(`${site.origin}/blog/${SLUG}`);
      const img = home.locator('article img').first();
      await img.scrollIntoViewIfNeeded();
      await home.waitForFunction(() => [...document.querySelectorAll('article img')].every((i) => i.complete && i.naturalWidth > 0));
      assert.equal(await home.locator('article img').count(), 2);
      await home.close();

      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.locator('#preview img').first().waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-editor.png') });
    });
  });

  test('the same post saved from two tabs shows the conflict page, and nothing is lost', async () => {
    await withAuthor(async (page, context) => {
      const editURL = `${site.origin}/admin/edit?key=${encodeURIComponent(KEY)}`;
      const tab2 = await context.newPage();
      await page.goto(editURL);
      await tab2.goto(editURL);

      await page.locator('#body').fill('Saved first, in the first tab.');
      await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Save', exact: true }).click()]);

      await tab2.locator('#body').fill('Saved second, in the second tab.');
      await tab2.getByRole('button', { name: 'Save', exact: true }).click();
      await tab2.getByRole('heading', { name: 'Someone else saved this while you were editing' }).waitFor();
      assert.match(await tab2.locator('#theirs').textContent(), /Saved first, in the first tab\./);
      assert.match(await tab2.locator('#yours').textContent(), /Saved second, in the second tab\./);
      const merged = await tab2.getByLabel('Merged text').inputValue();
      assert.match(merged, /<<<<<<< saved by someone else\nSaved first, in the first tab\.\n=======\nSaved second, in the second tab\.\n>>>>>>> yours/);

      await Promise.all([tab2.waitForURL(/saved=1/), tab2.getByRole('button', { name: 'Keep mine' }).click()]);
      assert.equal((await editorText(tab2)).trim(), 'Saved second, in the second tab.');
      // The first tab's text is in the history.
      await tab2.getByRole('link', { name: 'History' }).click();
      await tab2.getByRole('cell', { name: 'Replaced by a save' }).first().waitFor();
    }, { allowStatus: [409] });
  });

  test('a post moved to the trash can be restored', async () => {
    await withAuthor(async (page) => {
      await page.goto(`${site.origin}/admin/edit?key=${encodeURIComponent(KEY)}`);
      await page.getByRole('link', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: `Move “${TITLE}” to the trash?` }).waitFor();
      await Promise.all([page.waitForURL(/\/admin\?deleted=/), page.getByRole('button', { name: 'Move to the trash' }).click()]);
      await page.getByText(`Moved ${KEY} to the trash.`).waitFor();
      assert.equal((await fetch(`${site.origin}/blog/${SLUG}`)).status, 404, 'readers no longer see it');

      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Trash' }).click();
      const row = page.getByRole('row', { name: new RegExp(TITLE) });
      await Promise.all([page.waitForURL(/restored=1/), row.getByRole('button', { name: /Restore/ }).click()]);
      await page.getByText('Restored.', { exact: false }).first().waitFor();
      assert.equal((await fetch(`${site.origin}/blog/${SLUG}`)).status, 200, 'readers see it again');
    });
  });

  test('the dashboard lists posts by state and filters them', async () => {
    await withAuthor(async (page) => {
      const rows = page.locator('#posts tbody tr');
      assert.ok(await rows.count() >= 14, `${await rows.count()} posts listed`);
      await page.getByLabel('State').selectOption('draft');
      await page.getByLabel('Title contains').fill('');
      await Promise.all([page.waitForURL(/state=draft/), page.getByRole('button', { name: 'Filter' }).click()]);
      for (const state of await page.locator('#posts .state').allTextContents()) assert.equal(state, 'Draft');
      await page.goto(`${site.origin}/admin?q=qmk`);
      const titles = await page.locator('#posts tbody tr td:first-child a:first-child').allTextContents();
      assert.ok(titles.length >= 1 && titles.every((t) => /qmk/i.test(t)), `search for qmk found ${titles}`);
      await page.goto(`${site.origin}/admin`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-dashboard.png') });
    });
  });

  test('without JavaScript: upload with the button, preview and save still work', async () => {
    await withAuthor(async (page) => {
      await page.goto(`${site.origin}/admin/new`);
      await page.getByLabel('Title').fill('Written without script');
      await page.locator('#body').fill('No *script* here.');
      await page.locator('#file').setInputFiles({ name: 'plain.png', mimeType: 'image/png', buffer: IMAGE });
      await page.getByRole('button', { name: 'Upload and add its link' }).click();
      await page.getByText('Uploaded plain.png').waitFor();
      assert.match(await editorText(page), /No \*script\* here\.\n\n!\[plain\]\(\/media\/\d{4}\/plain\.png\)/);
      await page.getByRole('button', { name: 'Show the preview' }).click();
      await page.locator('#preview em', { hasText: 'script' }).waitFor();
      await page.getByRole('radio', { name: /Published/ }).check();
      await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Save', exact: true }).click()]);
      assert.equal((await fetch(`${site.origin}/blog/written-without-script`)).status, 200);
    }, { contextOptions: { javaScriptEnabled: false } });
  });

  test('a wrong upload is refused with a clear message and the text stays', async () => {
    await withAuthor(async (page) => {
      await page.goto(`${site.origin}/admin/new`);
      await page.locator('#body').fill('Keep these words.');
      await page.locator('#file').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00') });
      await page.locator('#upload-error', { hasText: 'tool.exe cannot be uploaded' }).waitFor();
      assert.equal(await editorText(page), 'Keep these words.');
    }, { allowStatus: [415] });
  });

  test('on a phone the editor is stacked and nothing scrolls sideways', async () => {
    await withAuthor(async (page) => {
      for (const p of ['/admin', '/admin/trash', `/admin/edit?key=${encodeURIComponent('posts/choosing-a-qmk-layout-for-a-36-key-split.md')}`]) {
        await page.goto(site.origin + p);
        if (p.startsWith('/admin/edit')) await page.locator('#preview pre').first().waitFor();
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
        assert.ok(scrollWidth <= clientWidth, `${p}: the page is ${scrollWidth}px wide on a ${clientWidth}px screen`);
      }
      const text = await page.locator('#body').boundingBox();
      const preview = await page.locator('#preview').boundingBox();
      assert.ok(preview.y > text.y + text.height, 'the preview is below the text');
    }, { contextOptions: { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true } });
  });

  test('axe-core finds no serious or critical problem: login, dashboard, editor, home page, a post', async () => {
    const found = [];
    for (const scheme of ['light', 'dark']) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme, bypassCSP: true });
      try {
        const page = await context.newPage();
        await page.goto(`${site.origin}/admin/login`);
        for (const v of await axeViolations(page)) found.push(`${scheme} login: ${v}`);
        await logIn(page);
        const pages = ['/admin', '/admin/new', `/admin/edit?key=${encodeURIComponent(KEY)}`, `/admin/history?key=${encodeURIComponent(KEY)}`, '/admin/trash', '/', `/blog/${SLUG}`];
        for (const p of pages) {
          await page.goto(site.origin + p);
          if (p.startsWith('/admin/edit')) await page.locator('#preview p').first().waitFor();
          for (const v of await axeViolations(page)) found.push(`${scheme} ${p}: ${v}`);
        }
      } finally {
        await context.close();
      }
    }
    assert.equal(found.length, 0, `axe found ${found.length} problem(s):\n${found.join('\n')}`);
  });
});
