// The synthesized template, property by property, as an operator reviewing
// the stack would check it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { DYNAMIC_PATHS, FORWARDED_HOST_JS } from '../lib/grail-stack';
import { fakeZip, findCycle, only, resolve, synth } from './helpers';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];
const SECRET_REF = '{{resolve:ssm:/grail/dev/origin-secret}}';

/** The function's GRAIL_CONFIG, with references shown as ${LogicalId}. */
function grailConfig(s: ReturnType<typeof synth>): Record<string, unknown> {
  const fn = only(s.template, 'AWS::Lambda::Function');
  return JSON.parse(resolve(fn.props.Environment.Variables.GRAIL_CONFIG));
}

/** The role's statements, with ARNs shown as ${LogicalId.Attr} strings. */
function statements(s: ReturnType<typeof synth>) {
  const policy = only(s.template, 'AWS::IAM::Policy');
  return policy.props.PolicyDocument.Statement.map((st: any) => ({
    sid: st.Sid,
    effect: st.Effect,
    actions: [st.Action].flat(),
    resources: [st.Resource].flat().map(resolve),
  }));
}

/** cloudFrontMatch matches a path as a CloudFront path pattern does: * is any run of characters. */
function cloudFrontMatch(pattern: string, path: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`).test(path);
}

function behavior(s: ReturnType<typeof synth>, pattern: string): any {
  const dist = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig;
  const found = dist.CacheBehaviors.find((b: any) => b.PathPattern === pattern);
  assert.ok(found, `no behaviour for ${pattern}`);
  return found;
}

describe('bucket', () => {
  const s = synth();

  test('blocks all public access', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  test('encrypts at rest and refuses plain HTTP', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('keeps versions', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
  });

  test('outlives the stack', () => {
    s.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('expires scratch objects after a day and old versions after 30 days', () => {
    const rules = only(s.template, 'AWS::S3::Bucket').props.LifecycleConfiguration.Rules;
    const byPrefix = (p: string) => rules.find((r: any) => r.Prefix === p);
    for (const prefix of ['_grail/overflow/', '_grail/jobs/']) {
      assert.equal(byPrefix(prefix)?.ExpirationInDays, 1, prefix);
      assert.equal(byPrefix(prefix)?.Status, 'Enabled', prefix);
    }
    const general = rules.find((r: any) => r.Prefix === undefined);
    assert.deepEqual(general.NoncurrentVersionExpiration, { NoncurrentDays: 30 });
    assert.equal(general.Status, 'Enabled');
  });

  test('old versions expire after the configured number of days', () => {
    synth({ noncurrentVersionDays: '90' }).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: Match.absent(), NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
        ]),
      },
    });
  });
});

describe('function', () => {
  const s = synth();

  test('is an arm64 custom runtime with 256 MB and 30 seconds', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'grail-dev',
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      MemorySize: 256,
      Timeout: 30,
    });
  });

  test('runs the zip named by context, byte for byte', () => {
    const zip = fakeZip('a particular build');
    const t = synth({ bootstrapZip: zip });
    const fn = only(t.template, 'AWS::Lambda::Function');
    const key = /^([0-9a-f]{64})\.zip$/.exec(resolve(fn.props.Code.S3Key));
    assert.ok(key, `S3Key ${resolve(fn.props.Code.S3Key)}`);
    // The assets manifest says which staged file CDK uploads under that key.
    const manifest = JSON.parse(readFileSync(path.join(t.outdir, 'grail-dev.assets.json'), 'utf8'));
    const source = manifest.files[key[1]].source;
    assert.equal(source.packaging, 'file', 'uploaded as is, not zipped again');
    assert.deepEqual(readFileSync(path.join(t.outdir, source.path)), readFileSync(zip));
  });

  test('is configured by one JSON variable', () => {
    const fn = only(s.template, 'AWS::Lambda::Function');
    assert.deepEqual(Object.keys(fn.props.Environment.Variables), ['GRAIL_CONFIG']);
    assert.deepEqual(grailConfig(s), {
      site: `s3://\${${s.id(s.stack.bucket)}}?region=\${AWS::Region}`,
      trustForwardedHost: true,
      stripBasePath: '',
      keepStage: false,
      originSecretHeader: 'X-Grail-Origin-Secret',
      originSecretParameter: '/grail/dev/origin-secret',
    });
  });

  test('at most 5 instances run at once by default, as context says otherwise, and 0 sets no cap', () => {
    assert.equal(only(s.template, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions, 5);
    assert.equal(only(synth({ reservedConcurrency: '2' }).template, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions, 2);
    assert.equal(only(synth({ reservedConcurrency: '0' }).template, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions, undefined);
  });

  test("Lambda never retries a job's invocation", () => {
    const config = only(s.template, 'AWS::Lambda::EventInvokeConfig').props;
    assert.equal(config.MaximumRetryAttempts, 0);
    assert.equal(resolve(config.FunctionName), `\${${s.id(s.stack.site)}}`);
  });

  test('logs to its own group, kept six months', () => {
    const logs = only(s.template, 'AWS::Logs::LogGroup');
    assert.equal(logs.props.RetentionInDays, 180);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logs.id } },
    });
  });
});

describe('permissions', () => {
  test('are the bucket, the logs and invoking itself, and nothing else', () => {
    const s = synth();
    const bucket = s.id(s.stack.bucket);
    const logs = only(s.template, 'AWS::Logs::LogGroup').id;
    assert.deepEqual(statements(s), [
      {
        sid: undefined,
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`\${${logs}.Arn}`],
      },
      { sid: 'ListContent', effect: 'Allow', actions: ['s3:ListBucket'], resources: [`\${${bucket}.Arn}`] },
      {
        sid: 'ReadWriteContent',
        effect: 'Allow',
        actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [`\${${bucket}.Arn}/*`],
      },
      {
        sid: 'RunJobsAsynchronously',
        effect: 'Allow',
        actions: ['lambda:InvokeFunction'],
        resources: ['arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:grail-dev'],
      },
      {
        sid: 'ReadOriginSecret',
        effect: 'Allow',
        actions: ['ssm:GetParameter'],
        resources: ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/grail/dev/origin-secret'],
      },
    ]);
    // No AWS-managed policy rides along (AWSLambdaBasicExecutionRole would
    // allow writing to any log group).
    const role = only(s.template, 'AWS::IAM::Role');
    assert.equal(role.props.ManagedPolicyArns, undefined);
    assert.deepEqual(role.props.AssumeRolePolicyDocument.Statement, [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  test('with invalidation, add CreateInvalidation on this distribution only', () => {
    const s = synth({ invalidate: 'true' });
    const dist = s.id(s.stack.distribution);
    const invalidation = statements(s).filter((st: any) => st.actions.some((a: string) => a.startsWith('cloudfront:')));
    assert.deepEqual(invalidation, [
      {
        sid: 'InvalidateCdn',
        effect: 'Allow',
        actions: ['cloudfront:CreateInvalidation'],
        resources: [`arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${dist}}`],
      },
    ]);
    assert.equal(grailConfig(s).cloudfrontDistributionId, `\${${dist}}`);
  });

  test('without invalidation, no CloudFront permission and no distribution id', () => {
    const s = synth();
    assert.equal(
      statements(s).some((st: any) => st.actions.some((a: string) => a.startsWith('cloudfront:'))),
      false,
    );
    assert.equal('cloudfrontDistributionId' in grailConfig(s), false);
  });

  for (const frontDoor of ['rest', 'http', 'url']) {
    test(`${frontDoor}: the function's role is the only role`, () => {
      synth({ frontDoor }).template.resourceCountIs('AWS::IAM::Role', 1);
    });
  }

  for (const frontDoor of ['rest', 'http']) {
    test(`${frontDoor} with invalidation: no dependency cycle`, () => {
      const s = synth({ frontDoor, invalidate: 'true' });
      assert.equal(findCycle(s.template), undefined);
    });
  }
});

describe('front door', () => {
  for (const frontDoor of ['rest', 'http', 'url']) {
    test(`${frontDoor}: CloudFront sends the secret the function is configured with`, () => {
      const s = synth({ frontDoor });
      const origin = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.Origins[0];
      const headers = origin.OriginCustomHeaders.map((h: any) => [h.HeaderName, resolve(h.HeaderValue)]);
      assert.deepEqual(headers, [['X-Grail-Origin-Secret', SECRET_REF]]);
      assert.equal(grailConfig(s).originSecretParameter, '/grail/dev/origin-secret');
    });
  }

  test('the secret is referenced, never written into the template', () => {
    const s = synth({ originSecretVersion: '4' });
    const origin = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.Origins[0];
    // A rotation makes a new version, and naming it changes the template,
    // so that CloudFormation updates the distribution.
    assert.equal(origin.OriginCustomHeaders[0].HeaderValue, '{{resolve:ssm:/grail/dev/origin-secret:4}}');
    const text = JSON.stringify(s.template.toJSON());
    assert.equal(text.includes('AWS::StackId'), false, 'the stack id is not the secret');
    assert.equal('originSecret' in grailConfig(s), false);
  });

  test('the default is an HTTP API with throttling and a catch-all route', () => {
    const s = synth();
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 50 },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    s.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    s.template.resourceCountIs('AWS::Lambda::Url', 0);
    const api = only(s.template, 'AWS::ApiGatewayV2::Api').id;
    const origin = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.Origins[0];
    assert.equal(resolve(origin.DomainName), `\${${api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`);
  });

  test('HTTP API throttling follows context', () => {
    synth({ throttleRate: '20', throttleBurst: '40' }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  test('rest: a regional REST API that passes every body as binary, throttled 10/50', () => {
    const s = synth({ frontDoor: 'rest' });
    s.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['*/*'],
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 50,
        }),
      ]),
    });
    s.template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'ANY' });
    s.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    s.template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    const api = only(s.template, 'AWS::ApiGateway::RestApi').id;
    const origin = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.Origins[0];
    assert.equal(resolve(origin.DomainName), `\${${api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}`);
    assert.equal(origin.OriginPath, '/dev');
  });

  test('rest: throttling follows context', () => {
    synth({ frontDoor: 'rest', throttleRate: '50', throttleBurst: '200' }).template.hasResourceProperties(
      'AWS::ApiGateway::Stage',
      {
        MethodSettings: Match.arrayWith([
          Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 200 }),
        ]),
      },
    );
  });

  test('url: a public Function URL is the origin', () => {
    const s = synth({ frontDoor: 'url' });
    const url = only(s.template, 'AWS::Lambda::Url');
    assert.equal(url.props.AuthType, 'NONE');
    assert.equal(resolve(url.props.TargetFunctionArn), `\${${s.id(s.stack.site)}.Arn}`);
    s.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    s.template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    const origin = only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.Origins[0];
    assert.equal(resolve(origin.DomainName), `select(2, split(/, \${${url.id}.FunctionUrl}))`);
  });
});

describe('CloudFront', () => {
  const s = synth();
  const dist = () => only(s.template, 'AWS::CloudFront::Distribution').props.DistributionConfig;

  test('runs functions/forwarded-host.js on cloudfront-js-2.0', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: readFileSync(FORWARDED_HOST_JS, 'utf8'),
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      AutoPublish: true,
    });
  });

  test('every behaviour redirects to HTTPS and runs the function on viewer request', () => {
    const fn = only(s.template, 'AWS::CloudFront::Function').id;
    for (const b of [dist().DefaultCacheBehavior, ...dist().CacheBehaviors]) {
      assert.equal(b.ViewerProtocolPolicy, 'redirect-to-https', b.PathPattern ?? 'default');
      assert.deepEqual(
        b.FunctionAssociations,
        [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn, 'FunctionARN'] } }],
        b.PathPattern ?? 'default',
      );
    }
  });

  test('public pages are cached 5 minutes by default, an hour at most', () => {
    const policyId = dist().DefaultCacheBehavior.CachePolicyId.Ref;
    const policy = s.template.toJSON().Resources[policyId].Properties.CachePolicyConfig;
    assert.equal(policy.DefaultTTL, 300);
    assert.equal(policy.MaxTTL, 3600);
    assert.equal(policy.MinTTL, 0);
    assert.deepEqual(policy.ParametersInCacheKeyAndForwardedToOrigin, {
      QueryStringsConfig: { QueryStringBehavior: 'all' },
      CookiesConfig: { CookieBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['X-Forwarded-Host'] },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
    assert.deepEqual(dist().DefaultCacheBehavior.AllowedMethods ?? ['GET', 'HEAD'], ['GET', 'HEAD']);
  });

  for (const pattern of ['/admin', '/admin/*', '/jobs/*']) {
    test(`${pattern} is not cached, takes every method, gets the session and device cookies and is compressed`, () => {
      const b = behavior(s, pattern);
      const policy = s.template.toJSON().Resources[b.CachePolicyId.Ref].Properties.CachePolicyConfig;
      // Cached only if the origin asks (admin pages say no-store), and then
      // per session and for a second at most.
      assert.equal(policy.DefaultTTL, 0);
      assert.equal(policy.MinTTL, 0);
      assert.ok(policy.MaxTTL <= 1, `MaxTTL ${policy.MaxTTL}`);
      assert.deepEqual(policy.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig, {
        CookieBehavior: 'whitelist',
        Cookies: ['session', 'device'],
      });
      assert.equal(policy.ParametersInCacheKeyAndForwardedToOrigin.EnableAcceptEncodingGzip, true);
      assert.equal(policy.ParametersInCacheKeyAndForwardedToOrigin.EnableAcceptEncodingBrotli, true);
      assert.equal(b.Compress, true);
      assert.deepEqual(b.AllowedMethods, ALL_METHODS);
      const orp = s.template.toJSON().Resources[b.OriginRequestPolicyId.Ref].Properties.OriginRequestPolicyConfig;
      assert.deepEqual(orp.CookiesConfig, { CookieBehavior: 'whitelist', Cookies: ['session', 'device'] });
      assert.deepEqual(orp.QueryStringsConfig, { QueryStringBehavior: 'all' });
      assert.ok(orp.HeadersConfig.Headers.includes('X-Forwarded-Host'));
      assert.ok(orp.HeadersConfig.Headers.includes('Content-Type'));
    });
  }

  test('only the admin and jobs paths bypass the cache, not public posts that start alike', () => {
    const patterns = dist().CacheBehaviors.filter((b: any) => b.AllowedMethods?.length === ALL_METHODS.length);
    const dynamic = (path: string) => patterns.some((b: any) => cloudFrontMatch(b.PathPattern, path));
    for (const path of ['/admin', '/admin/', '/admin/posts/new', '/jobs/3f2a', '/jobs/sleep']) {
      assert.ok(dynamic(path), `${path} should reach the admin behaviour`);
    }
    for (const path of ['/administration-tips', '/admin-notes/', '/jobsearch', '/jobs', '/']) {
      assert.ok(!dynamic(path), `${path} is a public page and should be cached`);
    }
    assert.deepEqual(patterns.map((b: any) => b.PathPattern), DYNAMIC_PATHS);
  });

  test('the origin request policy name carries the region, so two regions do not collide', () => {
    const orp = only(s.template, 'AWS::CloudFront::OriginRequestPolicy').props.OriginRequestPolicyConfig;
    assert.equal(resolve(orp.Name), 'grail-dev-admin-${AWS::Region}');
    for (const [id, cp] of Object.entries(s.template.findResources('AWS::CloudFront::CachePolicy'))) {
      assert.match(resolve((cp as any).Properties.CachePolicyConfig.Name), /\$\{AWS::Region\}$/, id);
    }
  });

  test('/assets/* is cached for a year, within what the origin says', () => {
    const b = behavior(s, '/assets/*');
    const policy = s.template.toJSON().Resources[b.CachePolicyId.Ref].Properties.CachePolicyConfig;
    assert.equal(policy.DefaultTTL, 365 * 24 * 3600);
    assert.equal(policy.MaxTTL, 365 * 24 * 3600);
    assert.equal(policy.MinTTL, 0);
    assert.equal(policy.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig.CookieBehavior, 'none');
    assert.equal(b.AllowedMethods, undefined, 'GET and HEAD only');
  });

  test('speaks HTTP/2 and HTTP/3, IPv6, price class 100', () => {
    assert.equal(dist().HttpVersion, 'http2and3');
    assert.equal(dist().IPV6Enabled, true);
    assert.equal(dist().PriceClass, 'PriceClass_100');
  });

  test('price class follows context', () => {
    synth({ priceClass: 'All' }).template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_All' }),
    });
  });

  test('outputs the CDN domain and the site URL', () => {
    const id = s.id(s.stack.distribution);
    const outputs = s.template.toJSON().Outputs;
    assert.equal(resolve(outputs.CdnDomainName.Value), `\${${id}.DomainName}`);
    assert.equal(resolve(outputs.SiteUrl.Value), `https://\${${id}.DomainName}/`);
    assert.equal(resolve(outputs.BucketName.Value), `\${${s.id(s.stack.bucket)}}`);
    assert.equal(resolve(outputs.SiteLocation.Value), `s3://\${${s.id(s.stack.bucket)}}?region=\${AWS::Region}`);
  });
});

describe('cost alarm', () => {
  test('none without an e-mail address', () => {
    synth().template.resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test('e-mails at 80% of the monthly budget and when the month is forecast past it', () => {
    const s = synth({ budgetEmail: 'me@example.com', monthlyBudgetUsd: '15' });
    const budget = only(s.template, 'AWS::Budgets::Budget').props;
    assert.deepEqual(budget.Budget.BudgetLimit, { Amount: 15, Unit: 'USD' });
    assert.equal(budget.Budget.BudgetType, 'COST');
    assert.equal(budget.Budget.TimeUnit, 'MONTHLY');
    assert.equal(resolve(budget.Budget.BudgetName), 'grail-dev-${AWS::Region}-monthly-cost');
    assert.deepEqual(
      budget.NotificationsWithSubscribers.map((n: any) => [n.Notification.NotificationType, n.Notification.Threshold, n.Subscribers]),
      [
        ['ACTUAL', 80, [{ SubscriptionType: 'EMAIL', Address: 'me@example.com' }]],
        ['FORECASTED', 100, [{ SubscriptionType: 'EMAIL', Address: 'me@example.com' }]],
      ],
    );
  });
});

describe('custom domain', () => {
  const s = synth({
    domainName: 'blog.example.com',
    certificateArn: CERT,
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    zoneName: 'example.com',
  });

  test('the distribution answers to the name with the certificate', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['blog.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: CERT,
          SslSupportMethod: 'sni-only',
          MinimumProtocolVersion: 'TLSv1.2_2021',
        },
      }),
    });
  });

  test('Route 53 aliases the name to the distribution, IPv4 and IPv6', () => {
    const dist = s.id(s.stack.distribution);
    for (const type of ['A', 'AAAA']) {
      s.template.hasResourceProperties('AWS::Route53::RecordSet', {
        Type: type,
        Name: 'blog.example.com.',
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [dist, 'DomainName'] } }),
      });
    }
  });

  test('the site URL uses the name', () => {
    assert.equal(s.template.toJSON().Outputs.SiteUrl.Value, 'https://blog.example.com/');
  });

  test('without a zone, no DNS records are made', () => {
    synth({ domainName: 'blog.example.com', certificateArn: CERT }).template.resourceCountIs(
      'AWS::Route53::RecordSet',
      0,
    );
  });
});
