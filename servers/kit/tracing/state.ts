// Whether this process has a recording SDK registered: the hot paths ask this before building
// spans and attributes, so a server with tracing off pays one boolean test per request.
let active = false;

export function tracingActive(): boolean {
  return active;
}

export function setTracingActive(value: boolean): void {
  active = value;
}
