/**
 * Free text → an FTS5 query. Only the letters and digits of the input reach FTS5, each word
 * quoted and made a prefix (`"llama"*`), all words required: whatever the input holds (quotes,
 * `*`, `NEAR(`, `%`, `_`, `--`), it can change neither the query's syntax nor the SQL around it
 * (the result is bound as a parameter). Words are split the way the index's unicode61 tokenizer
 * splits them (its default categories L*, N*, Co), so `sk-proj` and `model_4b.gguf` find what
 * the index holds.
 */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
/** More words than this add nothing to a search box and only cost time. */
const MAX_WORDS = 16
/** A one-character prefix matches nearly every row: such words are left out. */
const MIN_WORD = 2

/** The words of a search, as the FTS5 query holds them (empty: the text matches nothing). */
export function searchWords(text: string): string[] {
  return (text.match(WORD) ?? []).filter((w) => [...w].length >= MIN_WORD).slice(0, MAX_WORDS)
}

/**
 * The FTS5 MATCH expression, or undefined when the text holds no word of two or more
 * characters (it matches nothing).
 */
export function ftsQuery(text: string): string | undefined {
  const words = searchWords(text)
  return words.length === 0 ? undefined : ftsMatch(words)
}

/** The MATCH expression of searchWords' words: each a quoted prefix, all required. */
export function ftsMatch(words: readonly string[]): string {
  return words.map((w) => `"${w}"*`).join(' AND ')
}
