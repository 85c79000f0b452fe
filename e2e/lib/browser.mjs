// Launches Debian's Chromium through playwright-core (which never downloads
// a browser of its own here). Playwright gives every launch a fresh,
// temporary --user-data-dir and removes it on close; it refuses one passed
// in args.
import { chromium } from 'playwright-core';
import { chromiumPath } from './tools.mjs';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
  });
}

// watchPage records what a reader would never want to see: console errors
// and warnings, uncaught exceptions, failed requests, error responses, and
// every URL requested (to check that none leaves the test server).
export function watchContext(context) {
  const log = { console: [], pageErrors: [], failed: [], badStatus: [], requests: [] };
  context.on('console', (m) => {
    const loc = m.location();
    log.console.push({ type: m.type(), text: m.text(), where: loc?.url ? `${loc.url}:${loc.lineNumber}` : '' });
  });
  context.on('weberror', (e) => log.pageErrors.push(String(e.error())));
  context.on('request', (r) => log.requests.push(r.url()));
  context.on('requestfailed', (r) => log.failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.status() >= 400) log.badStatus.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return log;
}
