// The demo blog's pages are valid HTML (Nu HTML Checker, the W3C's
// validator) and every link and resource on them answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGrail, get } from '../lib/grail.mjs';
import { javaProblem, javaCommand, vnuJarPath, gate, assertAvailable } from '../lib/tools.mjs';

// The pages a reader meets first, with the status each must have; the
// sitemap adds every other post, page, category and tag.
const namedPages = [
  ['/', 200],
  ['/blog/choosing-a-qmk-layout-for-a-36-key-split', 200], // image, table, task list, code
  ['/category/hardware/keyboards', 200],
  ['/archive', 200],
  ['/archive/2024', 200],
  ['/categories', 200],
  ['/tags', 200],
  ['/tag/qmk', 200],
  ['/about', 200],
  ['/now', 200],
  ['/page/2', 200],
  ['/no-such-page', 404],
];

let server;
let pages; // [{ path, status, body }]

before(async () => {
  server = await startGrail();
  const sitemap = await get(server.origin, '/sitemap.xml');
  assert.equal(sitemap.status, 200, 'GET /sitemap.xml');
  const fromSitemap = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  assert.ok(fromSitemap.length > 20, `the sitemap lists only ${fromSitemap.length} URLs`);
  const want = new Map(namedPages);
  for (const p of fromSitemap) if (!want.has(p)) want.set(p, 200);
  pages = [];
  for (const [p, status] of want) {
    const r = await get(server.origin, p);
    pages.push({ path: p, wantStatus: status, status: r.status, type: r.headers.get('content-type'), body: r.body });
  }
});

after(async () => {
  await server?.stop();
});

test('every page answers with its status and as UTF-8 HTML', () => {
  const wrong = pages
    .filter((p) => p.status !== p.wantStatus || !/^text\/html;\s*charset=utf-8$/i.test(p.type ?? ''))
    .map((p) => `${p.path}: status ${p.status} (want ${p.wantStatus}), Content-Type ${p.type}`);
  assert.deepEqual(wrong, []);
});

test('the Nu HTML Checker finds no error in any page', gate(javaProblem()), async () => {
  assertAvailable(javaProblem());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grail-e2e-html-'));
  try {
    const files = new Map();
    pages.forEach((p, i) => {
      const name = `${String(i).padStart(3, '0')}-${p.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}.html`;
      const file = path.join(dir, name);
      writeFileSync(file, p.body);
      files.set(name, p.path);
    });
    const { code, stdout, stderr } = await run(javaCommand, ['-jar', vnuJarPath(), '--format', 'json', '--errors-only', '--stdout', ...[...files.keys()].map((f) => path.join(dir, f))], 180_000);
    let report;
    try {
      report = JSON.parse(stdout);
    } catch {
      assert.fail(`the checker printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
    }
    const errors = report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error');
    const lines = errors.map((m) => {
      const name = path.basename(decodeURIComponent(new URL(m.url ?? 'file:/unknown').pathname));
      const where = m.lastLine ? `:${m.lastLine}:${m.firstColumn ?? m.lastColumn ?? 0}` : '';
      const extract = m.extract ? `\n    ${m.extract.replace(/\n/g, '⏎')}` : '';
      return `${files.get(name) ?? name}${where}: ${m.message}${extract}`;
    });
    assert.equal(lines.length, 0, `the Nu HTML Checker found ${lines.length} error(s):\n${lines.join('\n')}`);
    assert.equal(code, 0, `the checker exited with ${code}:\n${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the 404 page says the page was not found and offers a way on', () => {
  const p = pages.find((x) => x.path === '/no-such-page');
  assert.match(p.body, /<h1>Page not found<\/h1>/);
  assert.match(p.body, /<code>\/no-such-page<\/code>/);
  assert.match(p.body, /href="\/"/);
  assert.match(p.body, /href="\/archive"/);
});

test('no page has a script, and every page links its stylesheet', () => {
  const bad = [];
  for (const p of pages) {
    if (/<script\b/i.test(p.body)) bad.push(`${p.path}: has a <script> element`);
    if (/\son[a-z]+\s*=/i.test(p.body.replace(/<code[\s\S]*?<\/code>/g, ''))) bad.push(`${p.path}: has an inline event handler`);
    if (!/<link rel="stylesheet" href="\/assets\/style\.[0-9a-f]{10}\.css">/.test(p.body)) bad.push(`${p.path}: no hashed stylesheet link`);
  }
  assert.deepEqual(bad, []);
});

test('every same-site link and resource on every page answers, and every #fragment exists', async () => {
  const targets = new Map(); // path → first page linking it
  const missingFragments = [];
  for (const p of pages) {
    const ids = new Set([...p.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    for (const m of p.body.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = m[1].replace(/&amp;/g, '&');
      if (raw.startsWith('#')) {
        if (raw.length > 1 && !ids.has(decodeURIComponent(raw.slice(1)))) missingFragments.push(`${p.path}: ${raw}`);
        continue;
      }
      const u = new URL(raw, server.origin + p.path);
      if (u.origin !== server.origin) continue; // the post's own links to other sites
      if (!targets.has(u.pathname)) targets.set(u.pathname, p.path);
    }
  }
  assert.deepEqual(missingFragments, [], 'links to a #fragment that is not on the page');
  assert.ok(targets.size > 50, `only ${targets.size} distinct same-site links found`);
  const broken = [];
  const queue = [...targets];
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (queue.length) {
      const [target, from] = queue.shift();
      const r = await fetch(server.origin + target, { signal: AbortSignal.timeout(15_000) });
      await r.arrayBuffer();
      if (r.status !== 200) broken.push(`${target} (linked from ${from}): ${r.status}${r.redirected ? ' after a redirect' : ''}`);
    }
  }));
  assert.deepEqual(broken, [], 'links that do not answer 200');
});

function run(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
