// Decides whether bytes are text: valid UTF-8 without NUL or other C0 control characters besides
// tab, newline, carriage return and form feed. Pure.

// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/** The text (UTF-8 byte-order mark removed), or undefined when the bytes are binary. */
export function decodeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
  return BINARY_CONTROL.test(text) ? undefined : text;
}
