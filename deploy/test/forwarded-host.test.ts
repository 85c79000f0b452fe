// The viewer-request CloudFront Function, run in node against events shaped
// like the ones CloudFront sends (cloudfront-js-2.0 event structure).

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import * as vm from 'node:vm';
import { FORWARDED_HOST_JS } from '../lib/grail-stack';

type Headers = Record<string, { value: string }>;
interface ViewerRequestEvent {
  version: string;
  context: Record<string, string>;
  viewer: { ip: string };
  request: {
    method: string;
    uri: string;
    querystring: Record<string, { value: string }>;
    headers: Headers;
    cookies: Record<string, { value: string }>;
  };
}

// The file is a bare CloudFront Function with no exports, so it is evaluated
// the way CloudFront does: as a script that defines `handler`. Objects it
// makes belong to another realm; structuredClone brings the result back so
// that deepEqual compares values, not prototypes.
const script = vm.runInNewContext(`${readFileSync(FORWARDED_HOST_JS, 'utf8')}\n;handler`, {});
const handler = (event: ViewerRequestEvent): ViewerRequestEvent['request'] => structuredClone(script(event));

function event(headers: Headers): ViewerRequestEvent {
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==',
    },
    viewer: { ip: '198.51.100.11' },
    request: {
      method: 'GET',
      uri: '/posts/hello-world/',
      querystring: { page: { value: '2' } },
      headers,
      cookies: { session: { value: 'opaque' } },
    },
  };
}

test('copies Host into X-Forwarded-Host and leaves the rest of the request alone', () => {
  const ev = event({
    host: { value: 'blog.example.com' },
    'user-agent': { value: 'curl/8.5.0' },
    accept: { value: 'text/html' },
  });
  const before = structuredClone(ev.request);

  const out = handler(ev);

  assert.deepEqual(out, {
    ...before,
    headers: { ...before.headers, 'x-forwarded-host': { value: 'blog.example.com' } },
  });
});

test('overwrites an X-Forwarded-Host the reader sent', () => {
  const out = handler(
    event({ host: { value: 'blog.example.com' }, 'x-forwarded-host': { value: 'evil.example' } }),
  );
  assert.deepEqual(out.headers['x-forwarded-host'], { value: 'blog.example.com' });
  assert.deepEqual(out.headers.host, { value: 'blog.example.com' });
});

test('returns the request unchanged when there is no Host', () => {
  const ev = event({ 'user-agent': { value: 'curl/8.5.0' } });
  const before = structuredClone(ev.request);

  const out = handler(ev);

  assert.deepEqual(out, before);
  assert.equal('x-forwarded-host' in out.headers, false);
});

test('lowercases the host, so that one page is one cache entry', () => {
  const out = handler(event({ host: { value: 'Blog.Example.COM' } }));
  assert.deepEqual(out.headers['x-forwarded-host'], { value: 'blog.example.com' });
});

test("drops the reader's own X-Forwarded-Host when there is no Host", () => {
  const out = handler(event({ 'x-forwarded-host': { value: 'evil.example' } }));
  assert.equal('x-forwarded-host' in out.headers, false);
});

test('fits the CloudFront Functions size limit of 10 KB', () => {
  assert.ok(statSync(FORWARDED_HOST_JS).size < 10 * 1024);
});
