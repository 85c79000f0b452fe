// The admin behaviour must pass on every header the admin's code reads and
// every header its script sends: CloudFront drops the others, and the
// editor's preview and uploads then fail their CSRF check with 403. The
// lists are derived from the Go and JavaScript sources, so a header added
// there and not here fails this test.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEPLOY_DIR, only, synth } from './helpers';

const REPO = path.join(DEPLOY_DIR, '..');

/** The Go packages that answer under /admin and /jobs. */
const GO_PACKAGES = ['internal/admin', 'internal/auth', 'internal/jobs'];

/** Set by every front door itself (API Gateway, Function URL), not by the reader. */
const SET_BY_FRONT_DOOR = new Set(['x-forwarded-proto']);

function sources(dir: string, ext: string): string[] {
  return readdirSync(path.join(REPO, dir))
    .filter((f) => f.endsWith(ext) && !f.endsWith(`_test${ext}`))
    .map((f) => readFileSync(path.join(REPO, dir, f), 'utf8'));
}

/** The string constants of Go source, for names such as cookieName. */
function goConstants(code: string[]): Map<string, string> {
  const consts = new Map<string, string>();
  for (const text of code) {
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*=\s*"([^"]*)"/g)) {
      consts.set(m[1], m[2]);
    }
  }
  return consts;
}

/** goNames reads the string literal or named constant an argument is. */
function goName(arg: string, consts: Map<string, string>): string {
  const literal = /^"([^"]*)"$/.exec(arg.trim());
  const name = literal?.[1] ?? consts.get(arg.trim());
  assert.ok(name !== undefined, `cannot tell which name ${arg} is`);
  return name;
}

/** The headers and cookies the Go handlers read from a request. */
function goReads(): { headers: Set<string>; cookies: Set<string> } {
  const headers = new Set<string>();
  const cookies = new Set<string>();
  for (const dir of GO_PACKAGES) {
    const code = sources(dir, '.go');
    const consts = goConstants(code);
    for (const text of code) {
      for (const m of text.matchAll(/\.Header\.(?:Get|Values)\(([^)]*)\)|\.Header\[([^\]]*)\]/g)) {
        headers.add(goName(m[1] ?? m[2], consts).toLowerCase());
      }
      if (/\.Referer\(\)/.test(text)) {
        headers.add('referer');
      }
      if (/\.UserAgent\(\)/.test(text)) {
        headers.add('user-agent');
      }
      for (const m of text.matchAll(/\.(?:Cookie|CookiesNamed)\(([^)]*)\)/g)) {
        cookies.add(goName(m[1], consts));
      }
    }
  }
  return { headers, cookies };
}

/** The headers the admin's script sets on its fetch calls. */
function scriptSends(): Set<string> {
  const headers = new Set<string>();
  for (const text of sources('internal/admin/static', '.js')) {
    for (const m of text.matchAll(/headers:\s*\{([^}]*)\}/g)) {
      for (const k of m[1].matchAll(/(?:'([^']+)'|"([^"]+)"|([A-Za-z][\w-]*))\s*:/g)) {
        headers.add((k[1] ?? k[2] ?? k[3]).toLowerCase());
      }
    }
  }
  return headers;
}

test('the derivation finds what the admin is known to need', () => {
  // Guards the scanners themselves: were a regular expression to stop
  // matching, the real test below would pass on an empty list.
  const { headers, cookies } = goReads();
  for (const h of ['x-csrf-token', 'sec-fetch-site', 'origin', 'content-type', 'accept']) {
    assert.ok(headers.has(h), `${h} not found in the Go sources`);
  }
  assert.ok(cookies.has('session'));
  assert.ok(scriptSends().has('x-csrf-token'));
});

test('the admin behaviour forwards every header and cookie the admin reads or its script sends', () => {
  const s = synth();
  const orp = only(s.template, 'AWS::CloudFront::OriginRequestPolicy').props.OriginRequestPolicyConfig;
  const forwarded = new Set<string>(orp.HeadersConfig.Headers.map((h: string) => h.toLowerCase()));
  const { headers, cookies } = goReads();
  const needed = [...new Set([...headers, ...scriptSends()])].filter((h) => !SET_BY_FRONT_DOOR.has(h)).sort();
  assert.deepEqual(
    needed.filter((h) => !forwarded.has(h)),
    [],
    `forwarded: ${[...forwarded].join(', ')}`,
  );
  assert.deepEqual(
    [...cookies].filter((c) => !orp.CookiesConfig.Cookies.includes(c)),
    [],
    `forwarded cookies: ${orp.CookiesConfig.Cookies.join(', ')}`,
  );
});
