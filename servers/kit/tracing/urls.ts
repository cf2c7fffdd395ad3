// URLs as spans may show them: no query string (OpenWeather and others carry API keys there, and
// tool arguments often end up in it) and no userinfo.
export function redactedUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
