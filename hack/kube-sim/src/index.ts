// Public surface of kube-sim (re-exports only).
export { startKubeSim } from './api.ts';
export type { KubeSim, KubeSimOptions } from './api.ts';
export type { PodRunner, RunningPod } from './kubelet.ts';
export { Faults, parseFaultSpec } from './faults.ts';
export type { ErrorRule, LatencyRule, WatchRule } from './faults.ts';
export { Accounting, userAgentProduct } from './accounting.ts';
export type { AccountingFilter, AccountingSnapshot, RequestRecord } from './accounting.ts';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
export type { KubeObject } from './types.ts';
