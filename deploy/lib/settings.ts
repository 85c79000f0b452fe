// Settings turns the CDK context (`-c key=value`) into a validated description
// of one stage's stack. Every mistake a person can make on the command line is
// caught here, before any construct exists, and reported as one line.

import { existsSync, statSync } from 'node:fs';
import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export const FRONT_DOORS = ['rest', 'http', 'url'] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/** The front door used when none is chosen; docs/deploy.md explains why. */
export const DEFAULT_FRONT_DOOR: FrontDoor = 'http';

export interface CustomDomain {
  /** The name readers type, e.g. blog.example.com. */
  readonly name: string;
  /** An ACM certificate in us-east-1 that covers name. */
  readonly certificateArn: string;
  /** The Route 53 zone to put the alias records in; absent when DNS lives elsewhere. */
  readonly zone?: { readonly id: string; readonly name: string };
}

export interface Settings {
  readonly stage: Stage;
  /** The CloudFormation stack name, also used as the Lambda function name. */
  readonly stackName: string;
  /** The zip holding the linux/arm64 `bootstrap` that `grail deploy` built. */
  readonly bootstrapZip: string;
  readonly frontDoor: FrontDoor;
  /** Whether grail may invalidate CloudFront paths after publishing. */
  readonly invalidate: boolean;
  readonly priceClass: PriceClass;
  /** Steady-state requests per second and burst for the API Gateway stage. */
  readonly throttle: { readonly rate: number; readonly burst: number };
  /** How long overwritten or deleted object versions are kept in the bucket. */
  readonly noncurrentVersionDays: number;
  /** Instances of the function that may run at once; 0 reserves none and sets no cap. */
  readonly reservedConcurrency: number;
  /** An AWS Budgets alarm on the account's monthly cost; absent without budgetEmail. */
  readonly budget?: CostBudget;
  readonly originSecret: OriginSecret;
  readonly domain?: CustomDomain;
}

export interface CostBudget {
  /** Who is told, by e-mail, when the month's cost reaches 80% or is forecast past 100%. */
  readonly email: string;
  readonly monthlyUsd: number;
}

/**
 * Where the origin secret lives: a Parameter Store parameter that `grail
 * deploy` creates and rotates, so that the template names it but never
 * holds it.
 */
export interface OriginSecret {
  readonly parameterName: string;
  /** The version CloudFront is to send; absent means the latest at deploy time. */
  readonly version?: number;
}

/** The parameter holding a stage's origin secret. */
export function originSecretParameter(stage: Stage): string {
  return `/grail/${stage}/origin-secret`;
}

/** A mistake in the context; its message is one line meant for a person. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Reads one context value; app.node.tryGetContext fits. */
export type ContextReader = (key: string) => unknown;

const PRICE_CLASSES: Record<string, PriceClass> = {
  '100': PriceClass.PRICE_CLASS_100,
  '200': PriceClass.PRICE_CLASS_200,
  all: PriceClass.PRICE_CLASS_ALL,
};

/**
 * readSettings validates the context and fills in defaults. It throws
 * SettingsError for anything a person got wrong. grail deploy refuses -c
 * keys this does not read (internal/deploy's ContextKeys; a Go test keeps
 * the two lists equal).
 */
export function readSettings(ctx: ContextReader): Settings {
  const stage = oneOf('stage', str(ctx, 'stage') ?? 'dev', STAGES);
  const frontDoor = oneOf('frontDoor', str(ctx, 'frontDoor') ?? DEFAULT_FRONT_DOOR, FRONT_DOORS);
  const invalidate = bool(ctx, 'invalidate') ?? false;
  if (invalidate && frontDoor === 'url') {
    // The function would need the distribution id, and the distribution
    // needs the function URL's address, which exists only once the function
    // does: CloudFormation cannot order that.
    throw new SettingsError(
      'invalidate needs frontDoor rest or http: with a Function URL the distribution id cannot be given to the function',
    );
  }

  const bootstrapZip = str(ctx, 'bootstrapZip');
  if (bootstrapZip === undefined) {
    throw new SettingsError(
      'bootstrapZip is not set: run `grail deploy`, or pass -c bootstrapZip=path/to/bootstrap.zip',
    );
  }
  if (!existsSync(bootstrapZip) || !statSync(bootstrapZip).isFile()) {
    throw new SettingsError(`bootstrapZip ${bootstrapZip} is not a file`);
  }

  return {
    stage,
    stackName: `grail-${stage}`,
    bootstrapZip,
    frontDoor,
    invalidate,
    priceClass: priceClass(str(ctx, 'priceClass') ?? '100'),
    throttle: {
      rate: positiveInt(ctx, 'throttleRate') ?? DEFAULT_THROTTLE_RATE,
      burst: positiveInt(ctx, 'throttleBurst') ?? DEFAULT_THROTTLE_BURST,
    },
    noncurrentVersionDays: positiveInt(ctx, 'noncurrentVersionDays') ?? 30,
    reservedConcurrency: wholeNumber(ctx, 'reservedConcurrency') ?? DEFAULT_RESERVED_CONCURRENCY,
    budget: costBudget(ctx),
    originSecret: {
      parameterName: originSecretParameter(stage),
      version: positiveInt(ctx, 'originSecretVersion'),
    },
    domain: customDomain(ctx),
  };
}

// The cost guard's defaults are sized for a personal blog, whose pages are
// nearly all CloudFront cache hits: ten cache misses a second are 860,000
// a day. docs/deploy.md shows the worst-case monthly cost of these limits.
export const DEFAULT_THROTTLE_RATE = 10;
export const DEFAULT_THROTTLE_BURST = 50;
export const DEFAULT_RESERVED_CONCURRENCY = 5;
export const DEFAULT_MONTHLY_BUDGET_USD = 10;

function costBudget(ctx: ContextReader): CostBudget | undefined {
  const email = str(ctx, 'budgetEmail');
  const monthlyUsd = positiveInt(ctx, 'monthlyBudgetUsd');
  if (email === undefined) {
    if (monthlyUsd !== undefined) {
      throw new SettingsError('monthlyBudgetUsd needs budgetEmail, the address the alarm is sent to');
    }
    return undefined;
  }
  if (!EMAIL.test(email)) {
    throw new SettingsError(`budgetEmail ${JSON.stringify(email)} is not an e-mail address`);
  }
  return { email, monthlyUsd: monthlyUsd ?? DEFAULT_MONTHLY_BUDGET_USD };
}

function customDomain(ctx: ContextReader): CustomDomain | undefined {
  const name = str(ctx, 'domainName')?.toLowerCase().replace(/\.$/, '');
  const certificateArn = str(ctx, 'certificateArn');
  const zoneId = str(ctx, 'hostedZoneId');
  const zoneName = str(ctx, 'zoneName')?.toLowerCase().replace(/\.$/, '');

  if (name === undefined) {
    if (certificateArn !== undefined || zoneId !== undefined || zoneName !== undefined) {
      throw new SettingsError('certificateArn, hostedZoneId and zoneName need domainName');
    }
    return undefined;
  }
  if (!HOSTNAME.test(name)) {
    throw new SettingsError(`domainName ${JSON.stringify(name)} is not a DNS name`);
  }
  if (certificateArn === undefined) {
    throw new SettingsError(`domainName ${name} needs certificateArn (an ACM certificate in us-east-1)`);
  }
  const arn = ACM_ARN.exec(certificateArn);
  if (arn === null) {
    throw new SettingsError(`certificateArn ${JSON.stringify(certificateArn)} is not an ACM certificate ARN`);
  }
  if (arn[1] !== 'us-east-1') {
    throw new SettingsError(
      `certificateArn is in ${arn[1]}, but CloudFront only uses ACM certificates from us-east-1`,
    );
  }
  if ((zoneId === undefined) !== (zoneName === undefined)) {
    throw new SettingsError('hostedZoneId and zoneName go together: pass both, or neither');
  }
  if (zoneId === undefined || zoneName === undefined) {
    return { name, certificateArn };
  }
  if (name !== zoneName && !name.endsWith(`.${zoneName}`)) {
    throw new SettingsError(`domainName ${name} is not inside the zone ${zoneName}`);
  }
  return { name, certificateArn, zone: { id: zoneId, name: zoneName } };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

function priceClass(v: string): PriceClass {
  const pc = PRICE_CLASSES[v.replace(/^PriceClass_/i, '').toLowerCase()];
  if (pc === undefined) {
    throw new SettingsError(`priceClass ${JSON.stringify(v)} is not one of 100, 200, All`);
  }
  return pc;
}

function oneOf<T extends string>(key: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new SettingsError(`unknown ${key} ${JSON.stringify(v)} (want ${allowed.join(', ')})`);
  }
  return v as T;
}

// Context from `cdk -c` always arrives as a string, from tests and cdk.json it
// may be a number or boolean; the readers below accept both.

function str(ctx: ContextReader, key: string): string | undefined {
  const v = ctx(key);
  if (v === undefined || v === null || v === '') {
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new SettingsError(`${key} must be a plain value, not ${JSON.stringify(v)}`);
  }
  return String(v).trim();
}

function bool(ctx: ContextReader, key: string): boolean | undefined {
  const v = str(ctx, key);
  if (v === undefined) {
    return undefined;
  }
  if (v === 'true' || v === '1') {
    return true;
  }
  if (v === 'false' || v === '0') {
    return false;
  }
  throw new SettingsError(`${key} must be true or false, not ${JSON.stringify(v)}`);
}

function positiveInt(ctx: ContextReader, key: string): number | undefined {
  return integer(ctx, key, 1);
}

function wholeNumber(ctx: ContextReader, key: string): number | undefined {
  return integer(ctx, key, 0);
}

function integer(ctx: ContextReader, key: string, min: 0 | 1): number | undefined {
  const v = str(ctx, key);
  if (v === undefined) {
    return undefined;
  }
  if (!/^[0-9]+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    const what = min === 0 ? 'a whole number' : 'a whole number above 0';
    throw new SettingsError(`${key} must be ${what}, not ${JSON.stringify(v)}`);
  }
  return Number(v);
}
