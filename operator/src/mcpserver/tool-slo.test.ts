// Per-tool SLO alerts in the PrometheusRule, generated from the verified tool list and checked by
// `promtool test rules` (installed by .ci/run): a failing tool and a slow tool each alert, a
// healthy tool next to them stays quiet, thresholds come from the spec, with defaults.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { McpServer } from '../api/mcpserver.ts';
import { validateMcpServer } from '../api/validation.ts';
import { buildPrometheusRule, TOOL_SLO_DEFAULTS, toolSloRules } from './monitoring.ts';

function server(spec: Record<string, unknown>, tools: string[]): McpServer {
  const result = validateMcpServer({
    apiVersion: 'mcpfleet.dev/v1alpha1',
    kind: 'McpServer',
    metadata: { name: 'wx', namespace: 'team-a', uid: 'u' },
    spec: { catalog: 'utility', ...spec },
    status: { tools: tools.map((name) => ({ name })) },
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.value;
}

describe('per-tool SLO alerts', () => {
  it('has one error-ratio and one latency alert per verified tool, with spec thresholds over defaults', () => {
    const s = server({ monitoring: { prometheusRule: { toolSlo: { p99Seconds: 3, tools: { kv_get: { errorRatio: 0.01 } } } } } }, ['kv_get', 'get_time']);
    const rules = toolSloRules(s);
    assert.equal(rules.length, 4);
    assert.match(rules[0]!.expr, /tool="kv_get".* > 0\.01$/);
    assert.match(rules[1]!.expr, /tool="kv_get".* > 3$/);
    assert.match(rules[2]!.expr, new RegExp(`tool="get_time".* > ${TOOL_SLO_DEFAULTS.errorRatio}$`));
    assert.deepEqual(toolSloRules(server({ monitoring: { prometheusRule: { toolSlo: { enabled: false } } } }, ['kv_get'])), []);
    assert.deepEqual(toolSloRules(server({ monitoring: {} }, [])), [], 'nothing verified yet, no per-tool rules');
    assert.equal(buildPrometheusRule(server({ monitoring: {} }, []))!.spec.groups.length, 1);
  });

  it('quotes hostile tool names in PromQL and never templates them', () => {
    const [rule] = toolSloRules(server({ monitoring: {} }, ['we"ird\\{{ .Name }}']));
    assert.ok(rule!.expr.includes('tool="we\\"ird\\\\{{ .Name }}"'), rule!.expr);
    assert.ok(!rule!.annotations.summary!.includes('.Name'), 'the tool appears only as $labels.tool');
  });

  it('fires for the failing and the slow tool only (promtool test rules)', () => {
    const s = server({ monitoring: {} }, ['kv_get', 'get_time', 'we"ird']);
    const rules = { groups: buildPrometheusRule(s)!.spec.groups };
    const dir = mkdtempSync(path.join(tmpdir(), 'mcp-tool-slo-'));
    try {
      writeFileSync(path.join(dir, 'rules.yaml'), stringify(rules));
      const check = spawnSync('promtool', ['check', 'rules', path.join(dir, 'rules.yaml')], { encoding: 'utf8' });
      assert.ifError(check.error);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const sel = 'namespace="team-a",service="wx"';
      const labels = (tool: string) => ({ severity: 'warning', namespace: 'team-a', mcpserver: 'wx', tool });
      const test = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              // kv_get: 30% of calls fail; fast.
              { series: `mcp_tool_calls_total{${sel},tool="kv_get",outcome="success"}`, values: '0+42x30' },
              { series: `mcp_tool_calls_total{${sel},tool="kv_get",outcome="error"}`, values: '0+18x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="kv_get",outcome="success",le="0.1"}`, values: '0+60x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="kv_get",outcome="success",le="+Inf"}`, values: '0+60x30' },
              // get_time: never fails, every call takes 10 to 30 s.
              { series: `mcp_tool_calls_total{${sel},tool="get_time",outcome="success"}`, values: '0+60x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="get_time",outcome="success",le="10"}`, values: '0+0x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="get_time",outcome="success",le="30"}`, values: '0+60x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="get_time",outcome="success",le="+Inf"}`, values: '0+60x30' },
              // we"ird: healthy.
              { series: `mcp_tool_calls_total{${sel},tool="we\\"ird",outcome="success"}`, values: '0+60x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="we\\"ird",outcome="success",le="0.1"}`, values: '0+60x30' },
              { series: `mcp_tool_call_duration_seconds_bucket{${sel},tool="we\\"ird",outcome="success",le="+Inf"}`, values: '0+60x30' },
            ],
            alert_rule_test: [
              {
                eval_time: '20m',
                alertname: 'McpToolHighErrorRate',
                exp_alerts: [{ exp_labels: labels('kv_get'), exp_annotations: { summary: 'Tool kv_get of McpServer team-a/wx fails more than 10% of calls', description: 'Share of calls ending in error or tool_error over 5 minutes: 30%.' } }],
              },
              {
                eval_time: '20m',
                alertname: 'McpToolHighLatency',
                exp_alerts: [{ exp_labels: labels('get_time'), exp_annotations: { summary: 'Tool get_time of McpServer team-a/wx p99 latency is above 5s', description: '99th percentile call duration over 5 minutes: 29.8s.' } }],
              },
              { eval_time: '5m', alertname: 'McpToolHighErrorRate', exp_alerts: [] },
            ],
          },
        ],
      };
      writeFileSync(path.join(dir, 'test.yaml'), stringify(test));
      const run = spawnSync('promtool', ['test', 'rules', path.join(dir, 'test.yaml')], { encoding: 'utf8', cwd: dir });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
