import assert from 'node:assert/strict';
import { ConfigError, configUsage, isHelpRequested, OPTIONS, parseConfig } from './config.ts';
import { formatDurationMs, parseDurationMs } from './duration.ts';

const baseEnv = { POD_NAME: 'op-0', POD_NAMESPACE: 'mcpfleet-system' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('durations', () => {
  it('parses Go-style durations', () => {
    assert.equal(parseDurationMs('15s'), 15_000);
    assert.equal(parseDurationMs('500ms'), 500);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('1.5h'), 5_400_000);
    assert.equal(parseDurationMs('0'), 0);
    assert.equal(parseDurationMs('15'), undefined);
    assert.equal(parseDurationMs('abc'), undefined);
    assert.equal(parseDurationMs('-1s'), undefined);
    assert.equal(formatDurationMs(90_000), '90s');
    assert.equal(formatDurationMs(120_000), '2m');
  });
});

describe('parseConfig', () => {
  it('gives the documented defaults', () => {
    const c = parseConfig([], baseEnv);
    assert.equal(c.workers, 4);
    assert.deepEqual(c.metricsBindAddress, { host: '0.0.0.0', port: 8443 });
    assert.deepEqual(c.healthProbeBindAddress, { host: '0.0.0.0', port: 8081 });
    assert.equal(c.metricsSecure, true);
    assert.equal(c.logFormat, 'json');
    assert.equal(c.leaderElect, true);
    assert.equal(c.leaseNamespace, 'mcpfleet-system');
    assert.equal(c.leaseName, 'mcpfleet-operator');
    assert.equal(c.leaderIdentity, 'op-0');
    assert.equal(c.leaseDurationMs, 15_000);
    assert.equal(c.renewDeadlineMs, 10_000);
    assert.equal(c.retryPeriodMs, 2_000);
    assert.equal(c.watchNamespace, '');
    assert.equal(c.kubeconfig, undefined);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.queueQps, 10);
    assert.equal(c.queueBurst, 100);
    assert.equal(c.requeueBaseDelayMs, 5);
    assert.equal(c.requeueMaxDelayMs, 1_000_000);
  });

  it('reads env, and flags win over env (both --flag=value and --flag value)', () => {
    const env = { ...baseEnv, MCPFLEET_WORKERS: '8', MCPFLEET_LOG_LEVEL: 'debug', MCPFLEET_LEASE_DURATION: '30s' };
    const c = parseConfig(['--workers=2', '--watch-namespace', 'team-a', '--kubeconfig', '/tmp/kc'], env);
    assert.equal(c.workers, 2);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.leaseDurationMs, 30_000);
    assert.equal(c.watchNamespace, 'team-a');
    assert.equal(c.kubeconfig, '/tmp/kc');
  });

  it('handles boolean flags: bare, =false, --no-', () => {
    assert.equal(parseConfig(['--leader-elect'], { ...baseEnv, MCPFLEET_LEADER_ELECT: 'false' }).leaderElect, true);
    assert.equal(parseConfig(['--leader-elect=false'], baseEnv).leaderElect, false);
    assert.equal(parseConfig(['--no-leader-elect'], baseEnv).leaderElect, false);
    assert.equal(parseConfig([], { ...baseEnv, MCPFLEET_LEADER_ELECT: 'no' }).leaderElect, false);
  });

  it('lists every bad value at once, each with its flag and env name and the offending value', () => {
    const err = configError(() =>
      parseConfig(['--workers=zero', '--metrics-bind-address=:70000', '--log-level=loud'], { ...baseEnv, MCPFLEET_LEASE_DURATION: '15', MCPFLEET_WATCH_NAMESPACE: 'Bad_NS' }),
    );
    assert.equal(err.issues.length, 5, err.message);
    assert.match(err.message, /--workers \/ MCPFLEET_WORKERS: must be an integer from 1 to 64 \(got "zero" from --workers\)/);
    assert.match(err.message, /--metrics-bind-address \/ MCPFLEET_METRICS_BIND_ADDRESS: must be host:port, :port \(every interface\) or 0 \(disabled\), with a port from 0 to 65535 \(got ":70000"/);
    assert.match(err.message, /--log-level \/ MCPFLEET_LOG_LEVEL: must be one of error, warn, info, debug/);
    assert.match(err.message, /--lease-duration \/ MCPFLEET_LEASE_DURATION: must be a duration such as 500ms, 15s, 2m or 1h \(got "15" from MCPFLEET_LEASE_DURATION\)/);
    assert.match(err.message, /--watch-namespace \/ MCPFLEET_WATCH_NAMESPACE: must be a valid namespace name/);
  });

  it('rejects unknown flags, stray arguments and flags without a value', () => {
    const err = configError(() => parseConfig(['--wrokers=3', 'extra', '--lease-name'], baseEnv));
    assert.deepEqual(err.issues, ['unknown flag --wrokers', 'unexpected argument "extra" (flags look like --name=value)', '--lease-name needs a value']);
  });

  it('checks the leader election timings against each other', () => {
    const err = configError(() => parseConfig(['--lease-duration=5s', '--renew-deadline=10s', '--retry-period=9s'], baseEnv));
    assert.match(err.message, /--lease-duration \(5s\) must be greater than --renew-deadline \(10s\)/);
    assert.match(err.message, /--renew-deadline \(10s\) must be greater than 1.2 × --retry-period \(9s\)/);
    // Irrelevant when leader election is off.
    assert.equal(parseConfig(['--no-leader-elect', '--lease-duration=5s', '--renew-deadline=10s'], baseEnv).leaderElect, false);
  });

  it('needs an identity for leader election', () => {
    const err = configError(() => parseConfig([], {}));
    assert.match(err.message, /--leader-identity \/ MCPFLEET_LEADER_IDENTITY: must be set when leader election is on/);
    assert.equal(parseConfig([], { HOSTNAME: 'host-1' }).leaderIdentity, 'host-1');
  });

  it('accepts 0 to disable resync, but not tiny positive periods', () => {
    assert.equal(parseConfig(['--resync-period=0'], baseEnv).resyncPeriodMs, 0);
    const err = configError(() => parseConfig(['--resync-period=10ms'], baseEnv));
    assert.match(err.message, /--resync-period \/ MCPFLEET_RESYNC_PERIOD: must be at least 1s \(or 0 to disable\)/);
  });

  it('reads the EKS settings for Pod Identity, unset by default, and rejects bad ones', () => {
    const defaults = parseConfig([], baseEnv);
    assert.deepEqual([defaults.eksClusterName, defaults.eksEndpoint, defaults.awsRegion], [undefined, undefined, undefined]);
    const set = parseConfig(['--eks-cluster-name', 'prod-1', '--eks-endpoint', 'http://127.0.0.1:4566', '--aws-region', 'eu-west-1'], baseEnv);
    assert.deepEqual([set.eksClusterName, set.eksEndpoint, set.awsRegion], ['prod-1', 'http://127.0.0.1:4566', 'eu-west-1']);
    assert.equal(parseConfig([], { ...baseEnv, MCPFLEET_EKS_CLUSTER_NAME: 'from-env' }).eksClusterName, 'from-env');
    const err = configError(() => parseConfig(['--eks-cluster-name', 'no spaces', '--eks-endpoint', 'ftp://x'], baseEnv));
    assert.match(err.message, /--eks-cluster-name \/ MCPFLEET_EKS_CLUSTER_NAME: must be an EKS cluster name/);
    assert.match(err.message, /--eks-endpoint \/ MCPFLEET_EKS_ENDPOINT: must be an http\(s\) URL/);
  });

  it('documents every flag in the usage text', () => {
    assert.equal(isHelpRequested(['--help']), true);
    assert.equal(isHelpRequested(['--workers=1']), false);
    const usage = configUsage();
    for (const spec of Object.values(OPTIONS)) {
      assert.ok(usage.includes(`--${spec.flag}`), spec.flag);
      assert.ok(usage.includes(spec.env), spec.env);
    }
  });
});
