// Similarity of two generated texts for the `text` comparator
// (docs/design/llm-traffic.md): normalised token overlap, the Dice
// coefficient of the two bags of words, 2·|A ∩ B| / (|A| + |B|) with
// multiplicities. Words are runs of letters and digits after Unicode NFKC
// folding and lower-casing; each ideograph is a word of its own (scripts
// without spaces would otherwise be one word per sentence).
// Why token overlap, not a character-level edit distance: it is linear in the
// answers' length (edit distance is quadratic, too costly for long answers in
// a mirror's CPU budget), it is not moved by whitespace, case or punctuation,
// and a paraphrase that keeps the content words scores high. What it cannot
// see: word order ("dog bites man" = "man bites dog") and meaning beyond
// shared words. Pure.

const WORD = /\p{Ideographic}|(?:(?!\p{Ideographic})[\p{L}\p{N}])+/gu;

/** The text's words, folded and lower-cased. */
export function wordsOf(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(WORD) ?? [];
}

/** Dice coefficient of the two word bags, in [0, 1]; two texts without words are alike (1). */
export function textSimilarity(a: string, b: string): number {
  const wordsA = wordsOf(a);
  const wordsB = wordsOf(b);
  if (wordsA.length === 0 && wordsB.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const word of wordsA) counts.set(word, (counts.get(word) ?? 0) + 1);
  let shared = 0;
  for (const word of wordsB) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(word, left - 1);
    }
  }
  return (2 * shared) / (wordsA.length + wordsB.length);
}
