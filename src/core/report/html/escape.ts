/** HTML text and attribute escaping: every inventory string goes through this (hostile names). */
const MAP: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

export function esc(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return ''
  return String(v).replace(/[&<>"'`]/g, (c) => MAP[c] ?? c)
}

/** Tagged template that escapes every interpolated value; use `raw()` for trusted markup. */
export type Raw = Readonly<{ __html: string }>

export function raw(html: string): Raw {
  return { __html: html }
}

export function markup(parts: TemplateStringsArray, ...values: readonly unknown[]): string {
  let s = parts[0] ?? ''
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (Array.isArray(v)) s += v.map((x) => (isRaw(x) ? x.__html : esc(String(x)))).join('')
    else if (isRaw(v)) s += v.__html
    else s += esc(v as string | number | undefined)
    s += parts[i + 1] ?? ''
  }
  return s
}

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && '__html' in v
}

/**
 * Prose from the rule table, escaped, with Markdown code spans (`` `x` ``) shown as <code> rather
 * than as literal backticks.
 */
export function prose(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`')
        ? `<code>${esc(part.slice(1, -1))}</code>`
        : esc(part),
    )
    .join('')
}
