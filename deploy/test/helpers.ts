// Shared fixtures: a stand-in for the bootstrap zip, the app as the CLI would
// build it, and readers for CloudFormation intrinsics.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GrailStack } from '../lib/grail-stack';
import { readSettings } from '../lib/settings';

export const DEPLOY_DIR = path.join(__dirname, '..');

/**
 * fakeZip writes an empty but valid zip archive (just the end-of-central-
 * directory record, with a comment so that each call's bytes differ) and
 * returns its path. Synth only copies the file; it never opens it.
 */
export function fakeZip(comment = 'grail test'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'grail-zip-'));
  const file = path.join(dir, 'bootstrap.zip');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Buffer.byteLength(comment), 20);
  writeFileSync(file, Buffer.concat([eocd, Buffer.from(comment)]));
  return file;
}

/** The feature flags from cdk.json, which the CLI would pass to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(DEPLOY_DIR, 'cdk.json'), 'utf8')).context;
}

export interface Synthed {
  readonly app: App;
  readonly stack: GrailStack;
  readonly template: Template;
  readonly outdir: string;
  /** The logical id CloudFormation will know a construct's resource by. */
  id(construct: { node: { defaultChild?: unknown } }): string;
}

/** synth builds the stack from context exactly as bin/grail.ts does. */
export function synth(context: Record<string, unknown> = {}): Synthed {
  const outdir = mkdtempSync(path.join(tmpdir(), 'grail-cdk-'));
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), bootstrapZip: fakeZip(), ...context },
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new GrailStack(app, settings.stackName, { settings });
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    outdir,
    id: (construct) => Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnElement),
  };
}

/** The one resource of a type, with its logical id. */
export function only(template: Template, type: string): { id: string; props: any } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) {
    throw new Error(`want one ${type}, found ${found.length}`);
  }
  const [id, res] = found[0];
  return { id, props: (res as any).Properties };
}

/**
 * resolve turns Ref, Fn::GetAtt, Fn::Join, Fn::Select and Fn::Split into a
 * readable string: a Ref becomes ${Id} and an attribute ${Id.Attr}, so
 * a test can compare an ARN or a JSON document as a person would write it.
 */
export function resolve(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    return String(v);
  }
  const o = v as Record<string, any>;
  if ('Ref' in o) {
    return `\${${o.Ref}}`;
  }
  if ('Fn::GetAtt' in o) {
    return `\${${o['Fn::GetAtt'].join('.')}}`;
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'];
    return parts.map(resolve).join(sep);
  }
  if ('Fn::Select' in o) {
    const [index, list] = o['Fn::Select'];
    return `select(${index}, ${resolve(list)})`;
  }
  if ('Fn::Split' in o) {
    const [sep, value] = o['Fn::Split'];
    // No quotes, so that the result can sit inside a JSON string.
    return `split(${sep}, ${resolve(value)})`;
  }
  throw new Error(`cannot resolve ${JSON.stringify(v)}`);
}

/**
 * findCycle returns a dependency cycle among the template's resources (as
 * logical ids), or undefined. CloudFormation rejects such a template at
 * deploy time; synth does not notice.
 */
export function findCycle(template: Template): string[] | undefined {
  const resources = template.toJSON().Resources as Record<string, any>;
  const edges = new Map<string, Set<string>>();
  for (const [id, res] of Object.entries(resources)) {
    const deps = new Set<string>();
    collectRefs(res.Properties, deps);
    for (const d of [res.DependsOn ?? []].flat()) {
      deps.add(d);
    }
    edges.set(id, new Set([...deps].filter((d) => d in resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const pathSoFar: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') {
      return undefined;
    }
    if (state.get(id) === 'visiting') {
      return [...pathSoFar.slice(pathSoFar.indexOf(id)), id];
    }
    state.set(id, 'visiting');
    pathSoFar.push(id);
    for (const d of edges.get(id) ?? []) {
      const cycle = visit(d);
      if (cycle) {
        return cycle;
      }
    }
    pathSoFar.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) {
      return cycle;
    }
  }
  return undefined;
}

function collectRefs(v: unknown, into: Set<string>): void {
  if (Array.isArray(v)) {
    v.forEach((x) => collectRefs(x, into));
    return;
  }
  if (v === null || typeof v !== 'object') {
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'Ref' && typeof x === 'string') {
      into.add(x);
    } else if (k === 'Fn::GetAtt') {
      into.add(Array.isArray(x) ? x[0] : String(x).split('.')[0]);
    } else if (k === 'Fn::Sub') {
      const text = Array.isArray(x) ? x[0] : x;
      for (const m of String(text).matchAll(/\$\{([^}.!]+)/g)) {
        into.add(m[1]);
      }
      if (Array.isArray(x)) {
        collectRefs(x[1], into);
      }
    } else {
      collectRefs(x, into);
    }
  }
}
