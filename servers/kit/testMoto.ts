// Test helper: a throwaway moto server (PyPI `moto[server]`, the AWS emulator) on a free
// loopback port, one per suite, emulating S3, EC2, STS, SQS and DynamoDB. Also sets static test
// credentials through the SDK's default chain (environment) so nothing ever leaves loopback.
// Fails loudly, never skips, when moto is not installed.
import { spawn } from 'node:child_process';

export interface TestMoto {
  /** http://127.0.0.1:<port> — every emulated service answers here. */
  endpoint: string;
  close(): Promise<void>;
}

const TEST_AWS_ENV: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: 'AKIDMOTOTEST',
  AWS_SECRET_ACCESS_KEY: 'moto-test-secret',
  AWS_SESSION_TOKEN: undefined,
  AWS_REGION: 'us-west-2',
  AWS_PROFILE: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Static credentials for the SDK default chain while a suite runs; returns the restore function. */
export function setTestAwsEnv(): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(TEST_AWS_ENV)) {
    saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Starts `python3 -m moto.server` on 127.0.0.1 port 0 and waits for the port it prints. */
export async function startTestMoto(options: { startTimeoutMs?: number } = {}): Promise<TestMoto> {
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moto server did not start within ${options.startTimeoutMs ?? 60_000}ms (install it with \`pip install 'moto[server]'\`): ${output.slice(-500)}`));
    }, options.startTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run python3 -m moto.server: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto server exited with code ${code} (install it with \`pip install 'moto[server]'\`): ${output.slice(-500)}`));
    });
  });
  // Keep draining its request log so a full pipe never stalls it.
  child.stdout.resume();
  child.stderr.resume();
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
