// Glob-ish file-name patterns: "*" matches any run of characters, "?" exactly one; everything
// else is literal. Matched against a single name, never a path, so "/" needs no rules.

export function compileNamePattern(pattern: string, caseSensitive: boolean): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseSensitive ? 'su' : 'siu');
}
