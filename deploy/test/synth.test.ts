// Synthesis end to end: every stage through App.synth(), and the real CDK CLI
// from node_modules, offline and without AWS credentials.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { GrailStack } from '../lib/grail-stack';
import { readSettings, STAGES } from '../lib/settings';
import { cdkJsonContext, DEPLOY_DIR, fakeZip } from './helpers';

describe('App.synth()', () => {
  for (const stage of STAGES) {
    test(`stage ${stage} synthesizes its own stack`, () => {
      const app = new App({
        outdir: mkdtempSync(path.join(tmpdir(), 'grail-cdk-')),
        context: { ...cdkJsonContext(), stage, bootstrapZip: fakeZip() },
      });
      const settings = readSettings((key) => app.node.tryGetContext(key));
      new GrailStack(app, settings.stackName, { settings });

      const assembly = app.synth();

      const stack = assembly.getStackByName(`grail-${stage}`);
      assert.equal(stack.environment.account, 'unknown-account', 'environment-agnostic');
      const fns = Object.values(stack.template.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function');
      assert.equal(fns.length, 1);
      assert.equal((fns[0] as any).Properties.FunctionName, `grail-${stage}`);
    });
  }
});

// The CLI neither phones home nor looks for credentials here.
const offline = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: 'true',
};

function cdk(...args: string[]) {
  return spawnSync('npx', ['--no-install', 'cdk', ...args, '--no-notices'], {
    cwd: DEPLOY_DIR,
    env: offline,
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('npx cdk synth', () => {
  test('synthesizes prod with a REST API and a custom domain', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'grail-cdk-'));
    const res = cdk(
      'synth',
      '--quiet',
      '--output',
      out,
      '-c',
      'stage=prod',
      '-c',
      `bootstrapZip=${fakeZip()}`,
      '-c',
      'frontDoor=rest',
      '-c',
      'domainName=blog.example.com',
      '-c',
      'certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    );
    assert.equal(res.status, 0, res.stderr);
    const file = path.join(out, 'grail-prod.template.json');
    assert.ok(existsSync(file), `${file} was not written`);
    const template = JSON.parse(readFileSync(file, 'utf8'));
    const types = Object.values(template.Resources).map((r: any) => r.Type);
    for (const type of ['AWS::S3::Bucket', 'AWS::Lambda::Function', 'AWS::ApiGateway::RestApi', 'AWS::CloudFront::Distribution']) {
      assert.ok(types.includes(type), `no ${type}`);
    }
    assert.equal(template.Outputs.SiteUrl.Value, 'https://blog.example.com/');
  });

  test('an unknown stage fails with one clear line', () => {
    const res = cdk('synth', '--quiet', '--output', mkdtempSync(path.join(tmpdir(), 'grail-cdk-')), '-c', 'stage=qa', '-c', `bootstrapZip=${fakeZip()}`);
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /^grail deploy: unknown stage "qa" \(want dev, staging, prod\)$/m);
  });
});
