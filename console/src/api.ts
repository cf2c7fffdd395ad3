// The browser side of the console API: JSON requests (with the CSRF token on writes) and
// Server-Sent Event subscriptions. EventSource reconnects by itself after a drop.
import type { CallRequest, CallResponse, FleetEvent, MetricsEvent, ServerDetail, ViewerInfo } from '../../operator/src/console/api-types.ts';

let viewer: Promise<ViewerInfo> | undefined;

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body;
}

export function loadViewer(): Promise<ViewerInfo> {
  viewer ??= fetch('api/viewer', { credentials: 'same-origin' }).then((r) => json<ViewerInfo>(r));
  return viewer;
}

function serverPath(namespace: string, name: string): string {
  return `api/servers/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export async function loadServer(namespace: string, name: string): Promise<ServerDetail> {
  return json<ServerDetail>(await fetch(serverPath(namespace, name), { credentials: 'same-origin' }));
}

export async function callTool(namespace: string, name: string, request: CallRequest): Promise<CallResponse> {
  const { csrfToken } = await loadViewer();
  const response = await fetch(`${serverPath(namespace, name)}/call`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(request),
  });
  return json<CallResponse>(response);
}

export interface Subscription {
  close(): void;
}

function subscribe<T>(path: string, onEvent: (event: T) => void, onState: (live: boolean) => void): Subscription {
  const source = new EventSource(path);
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  source.onmessage = (message: MessageEvent<string>) => onEvent(JSON.parse(message.data) as T);
  return { close: () => source.close() };
}

export function subscribeFleet(onEvent: (event: FleetEvent) => void, onState: (live: boolean) => void): Subscription {
  return subscribe('api/fleet/events', onEvent, onState);
}

export function subscribeMetrics(namespace: string, name: string, onEvent: (event: MetricsEvent) => void, onState: (live: boolean) => void): Subscription {
  return subscribe(`${serverPath(namespace, name)}/metrics/events`, onEvent, onState);
}
