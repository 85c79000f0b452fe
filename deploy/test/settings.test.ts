// What a person can get wrong on the command line, and what they get when
// they say nothing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import { readSettings, SettingsError } from '../lib/settings';
import { fakeZip } from './helpers';

const zip = fakeZip();
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

function settings(context: Record<string, unknown>) {
  return readSettings((key) => ({ bootstrapZip: zip, ...context })[key]);
}

function rejects(context: Record<string, unknown>, message: RegExp) {
  assert.throws(
    () => settings(context),
    (err: unknown) => {
      assert.ok(err instanceof SettingsError, `want SettingsError, got ${err}`);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /\n/, 'the message is one line');
      return true;
    },
  );
}

describe('defaults', () => {
  test('a bare context deploys dev behind an HTTP API', () => {
    const s = settings({});
    assert.equal(s.stage, 'dev');
    assert.equal(s.stackName, 'grail-dev');
    assert.equal(s.frontDoor, 'http');
    assert.equal(s.invalidate, false);
    assert.equal(s.priceClass, PriceClass.PRICE_CLASS_100);
    assert.deepEqual(s.throttle, { rate: 10, burst: 50 });
    assert.equal(s.noncurrentVersionDays, 30);
    assert.equal(s.reservedConcurrency, 5);
    assert.equal(s.budget, undefined);
    assert.deepEqual(s.originSecret, { parameterName: '/grail/dev/origin-secret', version: undefined });
    assert.equal(s.domain, undefined);
  });

  test('context strings from `cdk -c` are parsed', () => {
    const s = settings({
      stage: 'prod',
      frontDoor: 'rest',
      invalidate: 'true',
      priceClass: 'PriceClass_All',
      throttleRate: '50',
      throttleBurst: '200',
      noncurrentVersionDays: '7',
      reservedConcurrency: '0',
      budgetEmail: 'me@example.com',
      monthlyBudgetUsd: '25',
      originSecretVersion: '3',
    });
    assert.equal(s.stackName, 'grail-prod');
    assert.equal(s.frontDoor, 'rest');
    assert.equal(s.invalidate, true);
    assert.equal(s.priceClass, PriceClass.PRICE_CLASS_ALL);
    assert.deepEqual(s.throttle, { rate: 50, burst: 200 });
    assert.equal(s.noncurrentVersionDays, 7);
    assert.equal(s.reservedConcurrency, 0, '0 reserves nothing');
    assert.deepEqual(s.budget, { email: 'me@example.com', monthlyUsd: 25 });
    assert.deepEqual(s.originSecret, { parameterName: '/grail/prod/origin-secret', version: 3 });
  });

  test('a budget e-mail alone gets the default budget', () => {
    assert.deepEqual(settings({ budgetEmail: 'me@example.com' }).budget, { email: 'me@example.com', monthlyUsd: 10 });
  });
});

describe('stages and front doors', () => {
  for (const stage of ['dev', 'staging', 'prod']) {
    test(`stage ${stage} is known`, () => {
      assert.equal(settings({ stage }).stackName, `grail-${stage}`);
    });
  }
  test('an unknown stage names the ones that exist', () => {
    rejects({ stage: 'qa' }, /^unknown stage "qa" \(want dev, staging, prod\)$/);
  });
  test('an unknown front door names the ones that exist', () => {
    rejects({ frontDoor: 'alb' }, /^unknown frontDoor "alb" \(want rest, http, url\)$/);
  });
  test('invalidation cannot be combined with a Function URL', () => {
    rejects({ frontDoor: 'url', invalidate: true }, /invalidate needs frontDoor rest or http/);
  });
});

describe('custom domain', () => {
  test('a domain with a us-east-1 certificate and a zone', () => {
    const s = settings({
      domainName: 'Blog.Example.com.',
      certificateArn: CERT,
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    });
    assert.deepEqual(s.domain, {
      name: 'blog.example.com',
      certificateArn: CERT,
      zone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' },
    });
  });
  test('a domain whose DNS is elsewhere needs no zone', () => {
    assert.deepEqual(settings({ domainName: 'blog.example.com', certificateArn: CERT }).domain, {
      name: 'blog.example.com',
      certificateArn: CERT,
    });
  });
  test('a domain without a certificate', () => {
    rejects({ domainName: 'blog.example.com' }, /^domainName blog\.example\.com needs certificateArn/);
  });
  test('a certificate outside us-east-1', () => {
    rejects(
      {
        domainName: 'blog.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      },
      /^certificateArn is in eu-west-1, but CloudFront only uses ACM certificates from us-east-1$/,
    );
  });
  test('something that is not a certificate ARN', () => {
    rejects({ domainName: 'blog.example.com', certificateArn: 'my-cert' }, /is not an ACM certificate ARN/);
  });
  test('a certificate without a domain', () => {
    rejects({ certificateArn: CERT }, /need domainName/);
  });
  test('a zone id without its name', () => {
    rejects(
      { domainName: 'blog.example.com', certificateArn: CERT, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      /hostedZoneId and zoneName go together/,
    );
  });
  test('a domain outside the zone', () => {
    rejects(
      {
        domainName: 'blog.example.org',
        certificateArn: CERT,
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        zoneName: 'example.com',
      },
      /^domainName blog\.example\.org is not inside the zone example\.com$/,
    );
  });
  test('a name that is not a DNS name', () => {
    rejects({ domainName: 'https://blog.example.com/', certificateArn: CERT }, /is not a DNS name/);
  });
});

describe('other values', () => {
  test('the zip must exist', () => {
    rejects({ bootstrapZip: '/nonexistent/bootstrap.zip' }, /bootstrapZip \/nonexistent\/bootstrap\.zip is not a file/);
  });
  test('the zip must be given', () => {
    assert.throws(() => readSettings(() => undefined), /bootstrapZip is not set: run `grail deploy`/);
  });
  test('numbers must be whole and positive', () => {
    rejects({ throttleRate: '0' }, /throttleRate must be a whole number above 0/);
    rejects({ noncurrentVersionDays: '1.5' }, /noncurrentVersionDays must be a whole number above 0/);
  });
  test('reserved concurrency may be 0 but not negative', () => {
    rejects({ reservedConcurrency: '-1' }, /reservedConcurrency must be a whole number, not "-1"/);
  });
  test('a budget needs an e-mail address', () => {
    rejects({ monthlyBudgetUsd: '20' }, /monthlyBudgetUsd needs budgetEmail/);
    rejects({ budgetEmail: 'me' }, /budgetEmail "me" is not an e-mail address/);
  });
  test('invalidate must be a boolean', () => {
    rejects({ invalidate: 'yes' }, /invalidate must be true or false/);
  });
  test('price class must be one CloudFront has', () => {
    rejects({ priceClass: '300' }, /priceClass "300" is not one of 100, 200, All/);
  });
});
