// Finds the external programs the tests need (Chromium, Java) and decides
// what happens when one is missing: the tests skip with a message saying
// how to install it, unless GRAIL_E2E_REQUIRED is set (as CI does), in
// which case they fail.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export const required = !!process.env.GRAIL_E2E_REQUIRED;

export const chromiumPath = process.env.GRAIL_CHROMIUM || '/usr/bin/chromium';
export const javaCommand = process.env.GRAIL_JAVA || 'java';

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// chromiumProblem returns why Chromium cannot be used, or null.
export function chromiumProblem() {
  if (!executable(chromiumPath)) {
    return `Chromium not found at ${chromiumPath} (install it with 'bash scripts/install-test-deps.sh browser', ` +
      `or 'apt-get install -y --no-install-recommends chromium'; GRAIL_CHROMIUM names another binary)`;
  }
  return null;
}

// javaProblem returns why the Nu HTML Checker cannot run, or null.
export function javaProblem() {
  const r = spawnSync(javaCommand, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    return `Java ('${javaCommand}') not found, needed to run the Nu HTML Checker (install it with 'bash scripts/install-test-deps.sh java', ` +
      `or 'apt-get install -y --no-install-recommends default-jre-headless'; GRAIL_JAVA names another command)`;
  }
  return null;
}

// vnuJarPath is the checker's jar, as shipped by the npm package vnu-jar.
export function vnuJarPath() {
  const require = createRequire(import.meta.url);
  return String(require('vnu-jar'));
}

// gate turns a problem into node:test options: { skip: message } when the
// tool is optional here, or {} when it is required (the test then calls
// assertAvailable and fails with the message).
export function gate(problem) {
  if (problem && !required) {
    return { skip: `${problem}. Set GRAIL_E2E_REQUIRED=1 to make this a failure.` };
  }
  return {};
}

export function assertAvailable(problem) {
  if (problem) {
    throw new Error(`${problem}. GRAIL_E2E_REQUIRED is set, so a missing tool is a failure.`);
  }
}
