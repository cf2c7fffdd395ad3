// The tool playground: pick a tool, fill the form generated from its input schema (or raw
// JSON), call it through the console backend, read text and structured results, errors and
// timing. Calls of this browser session are kept in a history.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CallResponse, PlaygroundAccess, ToolView } from '../../operator/src/console/api-types.ts';
import { callTool } from './api.ts';
import { pretty } from './format.ts';
import { argumentsOf, carriedValues, fieldsOf, initialValues, parseRawArguments, type Field, type FormValues } from './schema-form.ts';

interface HistoryEntry {
  at: string;
  tool: string;
  args: Record<string, unknown>;
  response: CallResponse | { refused: string };
}

const HISTORY_KEY = 'mcpfleet-console-history';
const HISTORY_MAX = 50;

function loadHistory(serverKey: string): HistoryEntry[] {
  try {
    return (JSON.parse(sessionStorage.getItem(`${HISTORY_KEY}:${serverKey}`) ?? '[]') as HistoryEntry[]).slice(0, HISTORY_MAX);
  } catch {
    return [];
  }
}

function FieldInput(props: { field: Field; value: string | boolean; onChange: (value: string | boolean) => void }) {
  const { field } = props;
  const id = `field-${field.name}`;
  const label = (
    <label for={id}>
      {field.name}
      {field.required && <span aria-hidden="true"> *</span>}
      {field.required && <span class="visually-hidden"> (required)</span>}
    </label>
  );
  const describedBy = field.description ? `${id}-help` : undefined;
  let input;
  if (field.kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={props.value === true} aria-describedby={describedBy} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />;
  } else if (field.kind === 'enum') {
    input = (
      <select id={id} value={String(props.value)} aria-describedby={describedBy} required={field.required} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {!field.required && <option value="">(not set)</option>}
        {field.required && props.value === '' && <option value="">choose…</option>}
        {field.options!.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else if (field.kind === 'json') {
    input = <textarea id={id} rows={3} value={String(props.value)} aria-describedby={describedBy} placeholder="JSON" onInput={(e) => props.onChange((e.target as HTMLTextAreaElement).value)} />;
  } else {
    const onInput = (e: Event) => props.onChange((e.target as HTMLInputElement).value);
    input =
      field.kind === 'text' ? (
        <input id={id} type="text" value={String(props.value)} required={field.required} aria-describedby={describedBy} onInput={onInput} />
      ) : (
        <input id={id} type="number" step={field.kind === 'integer' ? '1' : 'any'} value={String(props.value)} required={field.required} aria-describedby={describedBy} onInput={onInput} />
      );
  }
  return (
    <div class="field">
      {label}
      {input}
      {field.description && <small id={describedBy}>{field.description}</small>}
    </div>
  );
}

function Result(props: { entry: HistoryEntry }) {
  const { response } = props.entry;
  if ('refused' in response) return <p class="error" role="alert">{response.refused}</p>;
  const outcome = !response.ok ? 'error' : response.isError ? 'tool error' : 'success';
  return (
    <div class={`result ${outcome.replace(' ', '-')}`} data-testid="call-result">
      <p>
        <strong>{outcome}</strong> in <span data-testid="call-duration">{response.durationMs}</span> ms
      </p>
      {response.error && <pre class="error-text">{response.error}</pre>}
      {(response.content ?? []).map((block, i) => {
        const b = block as { type?: string; text?: string };
        return b.type === 'text' ? <pre key={i} class="text-content">{b.text}</pre> : <pre key={i}>{pretty(block)}</pre>;
      })}
      {response.structuredContent !== undefined && (
        <>
          <h4>Structured result</h4>
          <pre class="structured" data-testid="structured">{pretty(response.structuredContent)}</pre>
        </>
      )}
    </div>
  );
}

export function Playground(props: { namespace: string; name: string; tools: ToolView[]; access: PlaygroundAccess }) {
  const serverKey = `${props.namespace}/${props.name}`;
  const [toolName, setToolName] = useState(props.tools[0]?.name ?? '');
  const tool = props.tools.find((t) => t.name === toolName);
  // Keyed by the schema's content, not the tool object: the page reloads the server's details on
  // every status or metrics change, and each reload brings new objects for the same tools.
  const schemaKey = tool ? JSON.stringify(tool.inputSchema) : '';
  const fields = useMemo(() => (schemaKey ? fieldsOf(JSON.parse(schemaKey) as Record<string, unknown>) : []), [schemaKey]);
  // What was typed, with the schema it was typed against. When the schema differs (another tool
  // was selected, or the server changed this one) the form is derived anew during render, keeping
  // what still fits: no effect runs after a render, so no keystroke can be lost to one.
  const [form, setForm] = useState<{ schemaKey: string; fields: Field[]; values: FormValues }>(() => ({ schemaKey, fields, values: initialValues(fields) }));
  const values = form.schemaKey === schemaKey ? form.values : carriedValues(fields, form.fields, form.values);
  const setValue = (name: string, value: string | boolean) =>
    setForm((previous) => {
      const typed = previous.schemaKey === schemaKey ? previous.values : carriedValues(fields, previous.fields, previous.values);
      return { schemaKey, fields, values: { ...typed, [name]: value } };
    });
  const [raw, setRaw] = useState(false);
  const [rawText, setRawText] = useState('{}');
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(serverKey));

  function selectTool(name: string) {
    // A new tool starts with a fresh form.
    const next = props.tools.find((t) => t.name === name);
    const nextFields = next ? fieldsOf(next.inputSchema) : [];
    setToolName(name);
    setForm({ schemaKey: next ? JSON.stringify(next.inputSchema) : '', fields: nextFields, values: initialValues(nextFields) });
    setProblems([]);
  }
  useEffect(() => sessionStorage.setItem(`${HISTORY_KEY}:${serverKey}`, JSON.stringify(history)), [history, serverKey]);

  if (!props.access.allowed) {
    return (
      <section aria-labelledby="playground-title" class="playground">
        <h2 id="playground-title">Playground</h2>
        <p class="refused" role="alert" data-testid="playground-refused">{props.access.reason}</p>
      </section>
    );
  }

  async function submit(event: Event) {
    event.preventDefault();
    const parsed = raw ? parseRawArguments(rawText) : argumentsOf(fields, values);
    if (!parsed.ok) return setProblems(parsed.problems);
    setProblems([]);
    setBusy(true);
    let response: HistoryEntry['response'];
    try {
      response = await callTool(props.namespace, props.name, { tool: toolName, arguments: parsed.args });
    } catch (error) {
      response = { refused: error instanceof Error ? error.message : String(error) };
    }
    setBusy(false);
    setHistory((h) => [{ at: new Date().toISOString(), tool: toolName, args: parsed.args, response }, ...h].slice(0, HISTORY_MAX));
  }

  function toggleRaw() {
    if (!raw) {
      const parsed = argumentsOf(fields, values);
      setRawText(pretty(parsed.ok ? parsed.args : {}));
    }
    setRaw(!raw);
  }

  return (
    <section aria-labelledby="playground-title" class="playground">
      <h2 id="playground-title">Playground</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="tool-select">Tool</label>
          <select id="tool-select" value={toolName} onChange={(e) => selectTool((e.target as HTMLSelectElement).value)}>
            {props.tools.map((t) => <option key={t.name} value={t.name}>{t.title ? `${t.title} (${t.name})` : t.name}</option>)}
          </select>
        </div>
        {tool?.description && <p class="muted">{tool.description}</p>}
        <button type="button" class="link" onClick={toggleRaw} aria-pressed={raw}>
          {raw ? 'Use the form' : 'Edit raw JSON'}
        </button>
        {raw ? (
          <div class="field">
            <label for="raw-args">Arguments (JSON object)</label>
            <textarea id="raw-args" rows={8} value={rawText} onInput={(e) => setRawText((e.target as HTMLTextAreaElement).value)} />
          </div>
        ) : (
          fields.map((f) => <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={(v) => setValue(f.name, v)} />)
        )}
        {problems.length > 0 && (
          <ul class="error" role="alert">
            {problems.map((p) => <li key={p}>{p}</li>)}
          </ul>
        )}
        <button type="submit" disabled={busy || !tool}>{busy ? 'Calling…' : 'Call tool'}</button>
      </form>
      {history[0] && <Result entry={history[0]} />}
      {history.length > 0 && (
        <details class="history">
          <summary>History ({history.length} calls this session)</summary>
          <ol>
            {history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <code>{h.tool}</code> {JSON.stringify(h.args)} → {'refused' in h.response ? 'refused' : !h.response.ok ? 'error' : h.response.isError ? 'tool error' : 'success'}
                {'durationMs' in h.response ? ` (${h.response.durationMs} ms)` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
