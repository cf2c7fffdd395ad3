// Glob-ish file-name patterns: "*" matches any run of characters, "?" exactly one; everything
// else is literal. Matched against a single name, never a path, so "/" needs no rules.
//
// The pattern is compiled to a token list and run as a set-of-states automaton (Thompson
// simulation), never as a backtracking regular expression: a name of n characters against a
// pattern of m tokens costs at most n × m steps whatever the pattern ("************#" on a long
// name froze the event loop for minutes with the RegExp translation this replaces).

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'literal'; char: string };

export interface NamePattern {
  /** Tokens after merging runs of "*" (kept for tests and cost estimates). */
  readonly size: number;
  test(name: string): boolean;
}

/** Case folding per code point, so "İ" and friends cannot change the string's length mid-match. */
function fold(char: string, caseSensitive: boolean): string {
  return caseSensitive ? char : char.toLowerCase();
}

export function tokenize(pattern: string, caseSensitive: boolean): Token[] {
  const tokens: Token[] = [];
  for (const char of pattern) {
    if (char === '*') {
      // "**" matches exactly what "*" matches; one state is enough.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (char === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'literal', char: fold(char, caseSensitive) });
  }
  return tokens;
}

export function compileNamePattern(pattern: string, caseSensitive: boolean): NamePattern {
  const tokens = tokenize(pattern, caseSensitive);
  const accepting = tokens.length;
  // A star may match nothing: whenever its state is active, the state after it is too.
  const closeOverStars = (states: Uint8Array) => {
    for (let i = 0; i < accepting; i += 1) if (states[i] === 1 && tokens[i]?.kind === 'star') states[i + 1] = 1;
  };
  return {
    size: tokens.length,
    test(name: string): boolean {
      let current = new Uint8Array(accepting + 1);
      let next = new Uint8Array(accepting + 1);
      current[0] = 1;
      closeOverStars(current);
      for (const raw of name) {
        const char = fold(raw, caseSensitive);
        next.fill(0);
        let alive = false;
        for (let i = 0; i < accepting; i += 1) {
          if (current[i] !== 1) continue;
          const token = tokens[i] as Token;
          if (token.kind === 'star') next[i] = 1;
          else if (token.kind === 'one' || token.char === char) next[i + 1] = 1;
          else continue;
          alive = true;
        }
        if (!alive) return false;
        closeOverStars(next);
        [current, next] = [next, current];
      }
      return current[accepting] === 1;
    },
  };
}
