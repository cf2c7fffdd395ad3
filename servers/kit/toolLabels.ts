// Tool names as metric labels when the tools are not the kit's own (the stdio bridge, the proxy):
// a name becomes a label only once a call to it succeeded (so the server really has that tool)
// and at most `max` of them; names a client makes up count as "_other", which keeps the label
// set bounded whatever clients send.
export const MAX_TOOL_LABELS = 200;
export const OTHER_TOOL_LABEL = '_other';

export function boundedToolLabels(max = MAX_TOOL_LABELS): (tool: string, outcome: string) => string {
  const labels = new Set<string>();
  return (tool, outcome) => {
    if (!labels.has(tool) && outcome === 'success' && labels.size < max) labels.add(tool);
    return labels.has(tool) ? tool : OTHER_TOOL_LABEL;
  };
}
