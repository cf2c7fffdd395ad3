// Extractive summary without a model: the sentences whose words are most frequent in the whole
// text (stop words ignored), kept in their original order. Pure and bounded: at most
// MAX_SENTENCES_SCANNED sentences are scored, so a 1 MiB file costs milliseconds.
const STOP_WORDS = new Set(
  'a an and are as at be been but by can did do does for from had has have he her his i if in into is it its me my no not of on or our she so than that the their them then there these they this those to too us was we were what when which who will with would you your'.split(' '),
);

export const MAX_SENTENCES_SCANNED = 5000;

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

export function sentencesOf(text: string): string[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const sentence = segment.replace(/\s+/g, ' ').trim();
    if (sentence.length > 0) out.push(sentence);
    if (out.length >= MAX_SENTENCES_SCANNED) break;
  }
  return out;
}

/** The `maxSentences` most representative sentences in text order, cut to `maxChars`. */
export function extractiveSummary(text: string, options: { maxSentences: number; maxChars: number }): string {
  const sentences = sentencesOf(text);
  if (sentences.length <= options.maxSentences) return clip(sentences.join(' '), options.maxChars);
  const frequency = new Map<string, number>();
  for (const sentence of sentences) for (const word of words(sentence)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const scored = sentences.map((sentence, index) => {
    const sentenceWords = words(sentence);
    const score = sentenceWords.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0) / Math.max(4, sentenceWords.length);
    return { index, score };
  });
  const chosen = scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, options.maxSentences)
    .sort((a, b) => a.index - b.index)
    .map(({ index }) => sentences[index]!);
  return clip(chosen.join(' '), options.maxChars);
}

function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
}
