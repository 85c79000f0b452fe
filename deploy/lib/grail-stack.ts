// GrailStack is everything one stage of a grail blog needs on AWS: the bucket
// that is its only store, the Lambda function that serves and edits it, a
// front door that turns HTTP into Lambda events, and CloudFront in front.

import * as path from 'node:path';
import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CostBudget, Settings } from './settings';

/** The viewer-request CloudFront Function, kept apart so node can test it. */
export const FORWARDED_HOST_JS = path.join(__dirname, '..', 'functions', 'forwarded-host.js');

/** The header CloudFront adds to every origin request, carrying the origin secret. */
export const ORIGIN_SECRET_HEADER = 'X-Grail-Origin-Secret';

/**
 * The headers the admin's pages, script and forms need at the origin, beyond
 * the cache key: test/admin-headers.test.ts derives them from the admin's
 * code and checks this list. X-Forwarded-Proto is not here: every front door
 * sets it itself.
 */
export const ADMIN_HEADERS = [
  'X-Forwarded-Host',
  'Accept',
  'Content-Type',
  'Origin',
  'Referer',
  'Sec-Fetch-Site',
  'X-CSRF-Token',
];

/** The paths that reach the function uncached, with every method. */
export const DYNAMIC_PATHS = ['/admin', '/admin/*', '/jobs/*'];

/** The cookies the admin reads: the session. */
export const ADMIN_COOKIES = ['session', 'device'];

/** The prefixes whose objects grail treats as scratch space (see the bucket layout). */
export const SCRATCH_PREFIXES = ['_grail/overflow/', '_grail/jobs/', '_grail/logins/'];

export interface GrailStackProps extends StackProps {
  readonly settings: Settings;
}

export class GrailStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly site: lambda.Function;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: GrailStackProps) {
    const s = props.settings;
    super(scope, id, {
      description: `grail blog, ${s.stage} stage: S3 bucket, Lambda function, ${s.frontDoor} front door, CloudFront`,
      ...props,
      stackName: s.stackName,
    });
    Tags.of(this).add('grail:stage', s.stage);

    this.bucket = contentBucket(this, s);
    const role = new iam.Role(this, 'SiteRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `grail ${s.stage}: what the blog function may touch, and nothing else`,
    });
    const logGroup = new logs.LogGroup(this, 'SiteLogs', {
      retention: logs.RetentionDays.SIX_MONTHS,
    });
    logGroup.grantWrite(role);

    // The function name is fixed so that the function's own ARN can be
    // written into its policy as a string. Referring to the function resource
    // instead would make the role wait for the function and the function wait
    // for the role.
    const functionName = s.stackName;
    this.site = new lambda.Function(this, 'Site', {
      functionName,
      description: `grail blog (${s.stage})`,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(s.bootstrapZip),
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
      // The cost guard: the most instances that can run, and be billed, at
      // once. 0 means no reservation (and no cap).
      reservedConcurrentExecutions: s.reservedConcurrency > 0 ? s.reservedConcurrency : undefined,
    });
    // A job's own invocation is never retried by Lambda: the job records its
    // state in the bucket, and a retry would only find it taken or failed.
    this.site.configureAsyncInvoke({ retryAttempts: 0 });

    grantBucket(role, this.bucket);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunJobsAsynchronously',
        actions: ['lambda:InvokeFunction'],
        resources: [
          this.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: functionName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    // Every front door can also be called directly; the function answers 403
    // to requests without the secret CloudFront adds. The secret lives in
    // Parameter Store (grail deploy creates and rotates it): the template
    // holds a reference, resolved by CloudFormation at deploy time.
    const secretRef = `{{resolve:ssm:${s.originSecret.parameterName}${
      s.originSecret.version === undefined ? '' : `:${s.originSecret.version}`
    }}}`;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOriginSecret',
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: s.originSecret.parameterName.replace(/^\//, ''),
          }),
        ],
      }),
    );
    const origin = frontDoor(this, s, this.site, { [ORIGIN_SECRET_HEADER]: secretRef });
    this.distribution = cdn(this, s, origin);

    // The field names follow lambdahttp.Options; docs/deploy.md lists them.
    const config: Record<string, unknown> = {
      site: `s3://${this.bucket.bucketName}?region=${this.region}`,
      // Only CloudFront reaches the function in normal use, and CloudFront
      // sends the front door's own name as Host; the reader's name arrives
      // in X-Forwarded-Host, set by functions/forwarded-host.js.
      trustForwardedHost: true,
      // CloudFront serves the blog at the root of its domain and passes
      // paths through as they are; the adapter removes a REST API stage
      // by itself.
      stripBasePath: '',
      keepStage: false,
      originSecretHeader: ORIGIN_SECRET_HEADER,
      // The function reads the value at cold start, and again when a
      // request carries a secret it does not know (after a rotation).
      originSecretParameter: s.originSecret.parameterName,
    };
    if (s.invalidate) {
      config.cloudfrontDistributionId = this.distribution.distributionId;
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'InvalidateCdn',
          actions: ['cloudfront:CreateInvalidation'],
          resources: [this.distribution.distributionArn],
        }),
      );
    }
    // One JSON variable rather than many keeps the contract with the binary
    // in one place and lets it grow without changing the stack's shape.
    this.site.addEnvironment('GRAIL_CONFIG', this.toJsonString(config));

    if (s.budget !== undefined) {
      costAlarm(this, s.stackName, s.budget);
    }

    if (s.domain?.zone !== undefined) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: s.domain.zone.id,
        zoneName: s.domain.zone.name,
      });
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasIPv4', { zone, recordName: s.domain.name, target });
      new route53.AaaaRecord(this, 'AliasIPv6', { zone, recordName: s.domain.name, target });
    }

    const host = s.domain?.name ?? this.distribution.distributionDomainName;
    new CfnOutput(this, 'SiteUrl', {
      description: 'Where readers find the blog',
      value: `https://${host}/`,
    });
    new CfnOutput(this, 'CdnDomainName', {
      description: 'The CloudFront domain; point a CNAME here when DNS is not in Route 53',
      value: this.distribution.distributionDomainName,
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'BucketName', {
      description: 'The blog content; kept when the stack is destroyed',
      value: this.bucket.bucketName,
    });
    new CfnOutput(this, 'SiteLocation', {
      description: 'The bucket URL for grail user and grail push',
      value: config.site as string,
    });
    new CfnOutput(this, 'FunctionName', { value: this.site.functionName });
    new CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
  }
}

// costAlarm e-mails when the account's cost this month reaches 80% of the
// budget, and when AWS forecasts it past 100%. Budgets cover the whole
// account: its cost cannot be told apart by stack until cost allocation tags
// are activated, which is the account owner's choice.
function costAlarm(scope: Construct, stackName: string, budget: CostBudget): void {
  const subscribers = [{ subscriptionType: 'EMAIL', address: budget.email }];
  new budgets.CfnBudget(scope, 'CostBudget', {
    budget: {
      budgetName: `${stackName}-${Aws.REGION}-monthly-cost`,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      budgetLimit: { amount: budget.monthlyUsd, unit: 'USD' },
    },
    notificationsWithSubscribers: [
      {
        notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE' },
        subscribers,
      },
      {
        notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
        subscribers,
      },
    ],
  });
}

function contentBucket(scope: Construct, s: Settings): s3.Bucket {
  return new s3.Bucket(scope, 'Content', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    // Versions are the last line of defence for a writer's words: the
    // function may delete objects but not versions (see grantBucket).
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      ...SCRATCH_PREFIXES.map((prefix) => ({
        id: `expire-${prefix.split('/')[1]}`,
        prefix,
        expiration: Duration.days(1),
        // With versioning on, expiring only makes a delete marker; the bytes
        // of scratch objects are not worth keeping as old versions either.
        noncurrentVersionExpiration: Duration.days(1),
      })),
      {
        id: 'expire-old-versions',
        noncurrentVersionExpiration: Duration.days(s.noncurrentVersionDays),
        expiredObjectDeleteMarker: true,
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
  });
}

// grantBucket gives the function exactly what the store does: list, read
// (HeadObject and presigned GETs need s3:GetObject too), write and delete
// objects. Bucket.grantReadWrite would also allow s3:DeleteObjectVersion,
// which would let a confused or compromised function erase history.
function grantBucket(role: iam.Role, bucket: s3.Bucket): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ListContent',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadWriteContent',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects('*')],
    }),
  );
}

// frontDoor puts the chosen HTTP-to-Lambda adapter in front of fn and returns
// it as a CloudFront origin that adds customHeaders to each request.
function frontDoor(
  stack: Stack,
  s: Settings,
  fn: lambda.Function,
  customHeaders: Record<string, string>,
): cloudfront.IOrigin {
  // The API origins are addressed by API id rather than through the
  // construct's url, which would tie the distribution to the deployment and
  // so to the function: with invalidation on, the function's configuration
  // names the distribution, and that would be a cycle.
  const apiDomain = (apiId: string) => `${apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;

  switch (s.frontDoor) {
    case 'rest': {
      const api = new apigw.LambdaRestApi(stack, 'RestApi', {
        restApiName: s.stackName,
        handler: fn,
        proxy: true,
        // Lambda sees every body base64-encoded, so images and uploads pass
        // through byte for byte.
        binaryMediaTypes: ['*/*'],
        // CloudFront is the edge; an edge-optimized API would add a second one.
        endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
        // The account-wide logging role is not this stack's to create.
        cloudWatchRole: false,
        deployOptions: {
          stageName: s.stage,
          throttlingRateLimit: s.throttle.rate,
          throttlingBurstLimit: s.throttle.burst,
        },
      });
      return new origins.HttpOrigin(apiDomain(api.restApiId), {
        originPath: `/${s.stage}`,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders,
      });
    }
    case 'http': {
      const api = new apigwv2.HttpApi(stack, 'HttpApi', {
        apiName: s.stackName,
        defaultIntegration: new HttpLambdaIntegration('Site', fn),
        // The default stage is made below so that it can carry throttling.
        createDefaultStage: false,
      });
      new apigwv2.HttpStage(stack, 'HttpApiStage', {
        httpApi: api,
        stageName: '$default',
        autoDeploy: true,
        throttle: { rateLimit: s.throttle.rate, burstLimit: s.throttle.burst },
      });
      return new origins.HttpOrigin(apiDomain(api.apiId), {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders,
      });
    }
    case 'url': {
      // Auth NONE: with origin access control CloudFront would sign requests,
      // but then every POST body must carry its own SHA-256 from the
      // browser, which plain HTML forms cannot do.
      const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      return new origins.FunctionUrlOrigin(url, { customHeaders });
    }
  }
}

function cdn(scope: Construct, s: Settings, origin: cloudfront.IOrigin): cloudfront.Distribution {
  const forwardedHost = new cloudfront.Function(scope, 'ForwardedHost', {
    comment: 'Copy Host into X-Forwarded-Host so grail sees the name readers use',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromFile({ filePath: FORWARDED_HOST_JS }),
  });
  const functionAssociations = [
    { function: forwardedHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
  ];

  // X-Forwarded-Host is in every cache key: pages carry absolute links, so a
  // page rendered for one of the distribution's names must not be served
  // under another. Listing it also makes CloudFront pass it to the origin.
  const pages = new cloudfront.CachePolicy(scope, 'PagesCache', {
    comment: 'grail public pages: fresh within minutes of an edit',
    defaultTtl: Duration.minutes(5),
    maxTtl: Duration.hours(1),
    minTtl: Duration.seconds(0),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList('X-Forwarded-Host'),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
  // Asset names change when their content does, so they can live for a year;
  // the origin's Cache-Control still wins inside these bounds.
  const assets = new cloudfront.CachePolicy(scope, 'AssetsCache', {
    comment: 'grail theme assets and media: cached for a year',
    defaultTtl: Duration.days(365),
    maxTtl: Duration.days(365),
    minTtl: Duration.seconds(0),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList('X-Forwarded-Host'),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
  // The writer's side. Nothing is cached unless the origin says so (admin
  // pages say no-store), and the session cookie is in the key besides, so no
  // writer's page can reach another. A policy of its own rather than
  // CachingDisabled, because CloudFront compresses only what a policy with
  // Accept-Encoding in its key passes on.
  const dynamicCache = new cloudfront.CachePolicy(scope, 'AdminCache', {
    comment: 'grail admin and jobs: not cached, compressed',
    defaultTtl: Duration.seconds(0),
    minTtl: Duration.seconds(0),
    maxTtl: Duration.seconds(1),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    cookieBehavior: cloudfront.CacheCookieBehavior.allowList(...ADMIN_COOKIES),
    headerBehavior: cloudfront.CacheHeaderBehavior.none(),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
  // Origin request policy names are global to the account, unlike the
  // stack: the region keeps two regions' stacks of one stage apart.
  const dynamicRequests = new cloudfront.OriginRequestPolicy(scope, 'AdminRequests', {
    originRequestPolicyName: `${s.stackName}-admin-${Stack.of(scope).region}`,
    comment: 'grail admin and jobs: the session cookie and what forms, script and CSRF checks read',
    cookieBehavior: cloudfront.OriginRequestCookieBehavior.allowList(...ADMIN_COOKIES),
    headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...ADMIN_HEADERS),
    queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
  });

  const common = {
    origin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    compress: true,
    functionAssociations,
  };
  const dynamic: cloudfront.BehaviorOptions = {
    ...common,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    cachePolicy: dynamicCache,
    originRequestPolicy: dynamicRequests,
  };

  return new cloudfront.Distribution(scope, 'Cdn', {
    comment: `grail ${s.stage}`,
    defaultBehavior: { ...common, cachePolicy: pages },
    additionalBehaviors: {
      // Exact prefixes: '/admin*' would also take public posts such as
      // /administration-tips away from the cache.
      ...Object.fromEntries(DYNAMIC_PATHS.map((p) => [p, dynamic])),
      '/assets/*': { ...common, cachePolicy: assets },
    },
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    priceClass: s.priceClass,
    enableIpv6: true,
    ...(s.domain === undefined
      ? {}
      : {
          domainNames: [s.domain.name],
          certificate: acm.Certificate.fromCertificateArn(scope, 'Certificate', s.domain.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        }),
  });
}
