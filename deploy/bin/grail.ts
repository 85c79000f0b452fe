// The CDK app: one stack, for the stage named by `-c stage=…`.
// `grail deploy` runs it through the CDK CLI; see docs/deploy.md.

import { App } from 'aws-cdk-lib';
import { GrailStack } from '../lib/grail-stack';
import { readSettings, SettingsError } from '../lib/settings';

const app = new App();
try {
  const settings = readSettings((key) => app.node.tryGetContext(key));
  // No env: the stack is environment-agnostic, so synth needs no account
  // lookups and deploy goes to the account and region of the credentials.
  new GrailStack(app, settings.stackName, { settings });
} catch (err) {
  if (!(err instanceof SettingsError)) {
    throw err;
  }
  console.error(`grail deploy: ${err.message}`);
  process.exit(1);
}
app.synth();
