// Static AWS test credentials for the SDK's default chain (env first), set for one mocha suite
// and restored after it; instance metadata is disabled so nothing ever leaves loopback.
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDSTUBTEST', AWS_SECRET_ACCESS_KEY: 'stub-secret', AWS_SESSION_TOKEN: undefined, AWS_REGION: 'us-west-2', AWS_PROFILE: undefined, AWS_EC2_METADATA_DISABLED: 'true' };

/** Static test credentials through the SDK's default chain (env), restored afterwards. */
export function useStubAwsEnv(): void {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const [k, v] of Object.entries(AWS_ENV)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
