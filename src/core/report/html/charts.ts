import { esc } from './escape'

export type Bar = Readonly<{ label: string; value: number; color: string }>

/**
 * A horizontal bar chart as inline SVG (no script, no external resource). Labels are escaped;
 * widths scale to the largest value; the value is printed at the end of each bar.
 */
export function barChart(title: string, bars: readonly Bar[], width = 460, labelW = 130): string {
  const rowH = 26
  const valueW = 56
  const top = 8
  const h = top * 2 + Math.max(1, bars.length) * rowH
  const max = Math.max(1, ...bars.map((b) => b.value))
  const span = width - labelW - valueW
  const rows = bars.map((b, i) => {
    const y = top + i * rowH
    const w = b.value > 0 ? Math.max(3, Math.round((b.value / max) * span)) : 0
    return (
      `<text x="${labelW - 10}" y="${y + 17}" text-anchor="end" class="chart-label">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 4}" width="${span}" height="18" rx="4" class="chart-track"/>` +
      (w
        ? `<rect x="${labelW}" y="${y + 4}" width="${w}" height="18" rx="4" fill="${esc(b.color)}"/>`
        : '') +
      `<text x="${labelW + w + 8}" y="${y + 17}" class="chart-value">${b.value.toLocaleString('en-US')}</text>`
    )
  })
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${h}" ` +
    `width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows.join('')}</svg>`
  )
}

/** A donut of severity shares, with the total in the middle. */
export function donut(title: string, bars: readonly Bar[], centerLabel: string): string {
  const total = bars.reduce((n, b) => n + b.value, 0)
  const r = 52
  const c = 2 * Math.PI * r
  let offset = 0
  const arcs = bars
    .filter((b) => b.value > 0)
    .map((b) => {
      const len = (b.value / total) * c
      const arc =
        `<circle r="${r}" cx="70" cy="70" fill="none" stroke="${esc(b.color)}" stroke-width="22" ` +
        `stroke-dasharray="${len.toFixed(2)} ${(c - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" ` +
        `transform="rotate(-90 70 70)"><title>${esc(b.label)}: ${b.value}</title></circle>`
      offset += len
      return arc
    })
  return (
    `<svg class="donut" role="img" aria-label="${esc(title)}" viewBox="0 0 140 140" width="140" height="140" ` +
    `xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>` +
    `<circle r="${r}" cx="70" cy="70" fill="none" class="chart-track-stroke" stroke-width="22"/>${arcs.join('')}` +
    `<text x="70" y="68" text-anchor="middle" class="donut-total">${total.toLocaleString('en-US')}</text>` +
    `<text x="70" y="88" text-anchor="middle" class="donut-label">${esc(centerLabel)}</text></svg>`
  )
}
