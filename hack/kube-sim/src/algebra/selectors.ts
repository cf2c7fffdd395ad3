// Label and field selectors, as k8s.io/apimachinery/pkg/labels and pkg/fields parse and match
// them. Parse errors reuse apimachinery's wording ("found ',', expected: identifier ...") so that
// a 400 from the simulator reads like one from kube-apiserver.
//
// Simplifications: field selectors match any dotted path of the object (kube-apiserver only
// allows a fixed set of field labels per resource; the server decides which to accept, see
// `matchesFields`). Values are compared as strings, numbers and booleans rendered with String().
import { errorString, fieldErr } from './fieldErrors.ts';
import { getPath, isObject } from './values.ts';

export class SelectorError extends Error {
  override name = 'SelectorError';
}

export type LabelOperator = 'Equals' | 'DoubleEquals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** A parsed label selector; `matchNothing` is labels.Nothing() (a null metav1.LabelSelector). */
export interface LabelSelector {
  requirements: LabelRequirement[];
  matchNothing?: boolean;
}

type Token = 'ID' | 'EOS' | 'COMMA' | 'OPEN' | 'CLOSE' | 'NOT' | 'EQ' | 'DEQ' | 'NEQ' | 'IN' | 'NOTIN' | 'GT' | 'LT';

interface Lexeme {
  tok: Token;
  lit: string;
}

const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>', ' ', '\t', '\n', '\r']);

function lex(s: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === ',' || c === '(' || c === ')' || c === '<' || c === '>') {
      const tok: Token = c === ',' ? 'COMMA' : c === '(' ? 'OPEN' : c === ')' ? 'CLOSE' : c === '<' ? 'LT' : 'GT';
      out.push({ tok, lit: c });
      i++;
      continue;
    }
    if (c === '!' || c === '=') {
      // Operators are runs of '!' and '='; apimachinery recognises "!", "!=", "=", "==".
      let j = i;
      while (j < s.length && (s[j] === '!' || s[j] === '=')) j++;
      const lit = s.slice(i, j);
      const tok: Token | undefined = ({ '!': 'NOT', '!=': 'NEQ', '=': 'EQ', '==': 'DEQ' } as Record<string, Token>)[lit];
      if (!tok) throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      out.push({ tok, lit });
      i = j;
      continue;
    }
    let j = i;
    while (j < s.length && !SPECIAL.has(s[j] as string)) j++;
    const lit = s.slice(i, j);
    out.push({ tok: lit === 'in' ? 'IN' : lit === 'notin' ? 'NOTIN' : 'ID', lit });
    i = j;
  }
  out.push({ tok: 'EOS', lit: '' });
  return out;
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** validation.IsQualifiedName: the messages kube-apiserver returns for a bad label key. */
export function qualifiedNameErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 bytes');
      if (!DNS1123_SUBDOMAIN.test(prefix))
        errs.push(
          "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        );
    }
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  return errs;
}

/** validation.IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE.test(value))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

function checkKey(key: string): void {
  const errs = qualifiedNameErrors(key);
  if (errs.length > 0) throw new SelectorError(errs.map((m) => errorString(fieldErr.invalid('key', key, m))).join(', '));
}

function checkValue(key: string, value: string, index: number): void {
  const errs = labelValueErrors(value);
  if (errs.length > 0)
    throw new SelectorError(errs.map((m) => errorString(fieldErr.invalid(`values[${index}][${key}]`, value, m))).join(', '));
}

/** labels.NewRequirement: validates a requirement and returns it with values sorted. */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  checkKey(key);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        throw new SelectorError("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) throw new SelectorError(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) throw new SelectorError(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? ''))
        throw new SelectorError(`values[0]: Invalid value: ${JSON.stringify(values[0] ?? '')}: for 'Gt', 'Lt' operators, the value must be an integer`);
      break;
  }
  if (operator !== 'GreaterThan' && operator !== 'LessThan') values.forEach((v, i) => checkValue(key, v, i));
  return { key, operator, values: [...new Set(values)].sort() };
}

/** labels.Parse: the `labelSelector` query parameter. The empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  const toks = lex(s);
  let pos = 0;
  const peek = (): Lexeme => toks[pos] as Lexeme;
  const next = (): Lexeme => toks[pos++] as Lexeme;
  const requirements: LabelRequirement[] = [];
  if (peek().tok === 'EOS') return { requirements };
  for (;;) {
    const t = peek();
    if (t.tok !== 'ID' && t.tok !== 'NOT')
      throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    requirements.push(parseRequirement());
    const after = next();
    if (after.tok === 'EOS') break;
    if (after.tok !== 'COMMA') throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
    const follow = peek();
    if (follow.tok !== 'ID' && follow.tok !== 'NOT') throw new SelectorError(`found '${follow.lit}', expected: identifier after ','`);
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements };

  function parseRequirement(): LabelRequirement {
    let negated = false;
    let t = next();
    if (t.tok === 'NOT') {
      negated = true;
      t = next();
    }
    if (t.tok !== 'ID') throw new SelectorError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    checkKey(key);
    const la = peek().tok;
    if (la === 'EOS' || la === 'COMMA') return newRequirement(key, negated ? 'DoesNotExist' : 'Exists', []);
    if (negated) throw new SelectorError(`found '${peek().lit}', expected: ',' or 'end of string'`);
    const op = next();
    const operator: LabelOperator | undefined = (
      { EQ: 'Equals', DEQ: 'DoubleEquals', NEQ: 'NotEquals', IN: 'In', NOTIN: 'NotIn', GT: 'GreaterThan', LT: 'LessThan' } as Partial<Record<Token, LabelOperator>>
    )[op.tok];
    if (!operator) throw new SelectorError(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    if (operator === 'In' || operator === 'NotIn') {
      const open = next();
      if (open.tok !== 'OPEN') throw new SelectorError(`found '${open.lit}', expected: '('`);
      const values: string[] = [];
      let expectValue = true;
      for (;;) {
        const v = next();
        if (v.tok === 'CLOSE') {
          if (expectValue && values.length > 0) values.push('');
          break;
        }
        if (v.tok === 'COMMA') {
          if (expectValue) values.push('');
          expectValue = true;
          continue;
        }
        if ((v.tok === 'ID' || v.tok === 'IN' || v.tok === 'NOTIN') && expectValue) {
          values.push(v.lit);
          expectValue = false;
          continue;
        }
        throw new SelectorError(`found '${v.lit}', expected: ',', ')' or identifier`);
      }
      return newRequirement(key, operator, values);
    }
    // Exact match: a single value, possibly empty ("a=" selects a label with an empty value).
    const v = peek();
    let value = '';
    if (v.tok === 'ID' || v.tok === 'IN' || v.tok === 'NOTIN') {
      value = v.lit;
      pos++;
    } else if (v.tok !== 'EOS' && v.tok !== 'COMMA') {
      throw new SelectorError(`found '${v.lit}', expected: identifier`);
    }
    return newRequirement(key, operator, [value]);
  }
}

/** metav1.LabelSelectorAsSelector: matchLabels and matchExpressions of a LabelSelector object. */
export function labelSelectorFromObject(sel: unknown): LabelSelector {
  if (sel === null || sel === undefined) return { requirements: [], matchNothing: true };
  if (!isObject(sel)) throw new SelectorError('a label selector must be an object with matchLabels and/or matchExpressions');
  const requirements: LabelRequirement[] = [];
  const matchLabels = sel['matchLabels'];
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) throw new SelectorError('matchLabels must be a map of strings');
    for (const [k, v] of Object.entries(matchLabels)) {
      if (typeof v !== 'string') throw new SelectorError(`matchLabels.${k} must be a string`);
      requirements.push(newRequirement(k, 'Equals', [v]));
    }
  }
  const exprs = sel['matchExpressions'];
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) throw new SelectorError('matchExpressions must be a list');
    for (const e of exprs) {
      if (!isObject(e) || typeof e['key'] !== 'string') throw new SelectorError('each matchExpressions entry needs a string key');
      const op = e['operator'];
      const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
      const operator: LabelOperator | undefined = (
        { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' } as Record<string, LabelOperator>
      )[String(op)];
      if (!operator) throw new SelectorError(`${JSON.stringify(op ?? '')} is not a valid label selector operator`);
      requirements.push(newRequirement(e['key'], operator, values));
    }
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements };
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
    case 'In':
      return has && r.values.includes(value as string);
    case 'NotEquals':
    case 'NotIn':
      return !has || !r.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !/^-?\d+$/.test(value as string)) return false;
      const a = Number(value);
      const b = Number(r.values[0]);
      return r.operator === 'GreaterThan' ? a > b : a < b;
    }
  }
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined | null): boolean {
  if (selector.matchNothing) return false;
  const l = labels ?? {};
  return selector.requirements.every((r) => matchRequirement(r, l));
}

/** The canonical string form (labels.Selector.String()). */
export function labelSelectorString(selector: LabelSelector): string {
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'Equals':
          return `${r.key}=${r.values[0]}`;
        case 'DoubleEquals':
          return `${r.key}==${r.values[0]}`;
        case 'NotEquals':
          return `${r.key}!=${r.values[0]}`;
        case 'In':
          return `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'GreaterThan':
          return `${r.key}>${r.values[0]}`;
        case 'LessThan':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
}

function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unescapeFieldValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw new SelectorError(`invalid field selector value ${JSON.stringify(s)}: unescaped or invalid escape sequence at position ${i}`);
    }
    if (c === ',' || c === '=') throw new SelectorError(`invalid field selector value ${JSON.stringify(s)}: unescaped '${c}'`);
    out += c;
  }
  return out;
}

/** fields.ParseSelector: `a=b,c!=d` with `\`-escaping of `,`, `=` and `\` in values. */
export function parseFieldSelector(s: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (s.trim() === '') return { requirements };
  for (const part of splitUnescaped(s, ',')) {
    if (part === '') continue;
    let m: { field: string; operator: '=' | '!='; raw: string } | undefined;
    for (const op of ['!=', '==', '='] as const) {
      const idx = part.indexOf(op);
      if (idx >= 0) {
        m = { field: part.slice(0, idx).trim(), operator: op === '!=' ? '!=' : '=', raw: part.slice(idx + op.length) };
        break;
      }
    }
    if (!m || m.field === '') throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    requirements.push({ field: m.field, operator: m.operator, value: unescapeFieldValue(m.raw) });
  }
  return { requirements };
}

/** The string a field of `obj` compares as: "" when absent, String() of scalars. */
export function fieldValue(obj: unknown, field: string): string {
  const v = getPath(obj, field.split('.'));
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function matchesFields(selector: FieldSelector, obj: unknown): boolean {
  return selector.requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.operator === '='));
}

/** Fields a selector references, so the server can reject unsupported field labels. */
export function fieldSelectorFields(selector: FieldSelector): string[] {
  return [...new Set(selector.requirements.map((r) => r.field))];
}
