// The controller-runtime style flags, --version and the console log format.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from './config.ts';
import { createLogger } from '../observability/logger.ts';
import { OPERATOR_VERSION } from '../version.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const env = { POD_NAME: 'op-0' };

describe('operator flags users of controller-runtime know', () => {
  it('--metrics-bind-address, --health-probe-bind-address (0 disables), --metrics-secure, --leader-elect', () => {
    const c = parseConfig(['--metrics-bind-address=127.0.0.1:9443', '--health-probe-bind-address', ':9081', '--metrics-secure=false', '--leader-elect=false'], env);
    assert.deepEqual(c.metricsBindAddress, { host: '127.0.0.1', port: 9443 });
    assert.deepEqual(c.healthProbeBindAddress, { host: '0.0.0.0', port: 9081 });
    assert.equal(c.metricsSecure, false);
    assert.equal(c.leaderElect, false);
    assert.equal(parseConfig(['--metrics-bind-address=0'], env).metricsBindAddress, undefined);
  });

  it('refuses health and metrics on one port', () => {
    assert.throws(() => parseConfig(['--metrics-bind-address=:8080', '--health-probe-bind-address=:8080'], env), (err: unknown) => err instanceof ConfigError && /must use different ports \(both 8080\)/.test(err.message));
  });

  it('--version prints the version of package.json and exits 0', () => {
    assert.equal(OPERATOR_VERSION, (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const run = spawnSync(process.execPath, [path.join(ROOT, 'operator/src/main.ts'), '--version'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^mcpfleet-operator ${OPERATOR_VERSION.replace(/\./g, '\\.')} \\(node v\\d+`));
  });

  it('--log-format=console writes lines for people: time, level, message, key=value', async () => {
    assert.equal(parseConfig(['--log-format=console'], env).logFormat, 'console');
    assert.throws(() => parseConfig(['--log-format=xml'], env), /--log-format \/ MCPFLEET_LOG_FORMAT: must be one of json, console/);
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const logger = createLogger({ level: 'info', format: 'console', stream });
    logger.info('applied child', { kind: 'Deployment', child: 'weather', note: 'two words' });
    await new Promise((r) => setImmediate(r));
    assert.match(out, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}applied child kind=Deployment child=weather note="two words"\n$/);
  });
});
