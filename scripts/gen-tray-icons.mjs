// Draws the tray icons (resources/tray/*.png): a plain status dot that reads at 16 px
// on light and dark menu bars: green "ok", red "findings" (with a white bar), blue "scanning" (a
// ring). 16 px and 32 px (@2x) each. Run once after changing the drawing; the PNGs are committed.
//   node scripts/gen-tray-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32, deflateSync } from 'node:zlib'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'tray')

const ICONS = {
  ok: { fill: [22, 163, 74], mark: 'check' },
  findings: { fill: [220, 38, 38], mark: 'bang' },
  scanning: { fill: [37, 99, 235], mark: 'ring' },
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td) >>> 0)
  return Buffer.concat([len, td, crc])
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5)
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
      raw[o + 3] = a
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Coverage of a disc of radius r at (cx, cy) for pixel centre (x, y), antialiased over one pixel. */
const disc = (x, y, cx, cy, r, px) =>
  Math.max(0, Math.min(1, (r - Math.hypot(x - cx, y - cy)) / px + 0.5))

function draw(size, { fill, mark }) {
  const s = size / 16
  const c = size / 2
  return png(size, (x, y) => {
    const body = disc(x, y, c, c, 7 * s, 1)
    let white = 0
    if (mark === 'ring')
      white = Math.min(disc(x, y, c, c, 4 * s, 1), 1 - disc(x, y, c, c, 2.2 * s, 1))
    if (mark === 'bang') {
      const inBar = Math.abs(x - c) <= 1.1 * s && y >= c - 4 * s && y <= c + 1 * s ? 1 : 0
      white = Math.max(inBar, disc(x, y, c, c + 3 * s, 1.2 * s, 1))
    }
    if (mark === 'check') {
      // Two strokes: (5,8)->(7,10) and (7,10)->(11,6), 1.6 px wide at 16 px.
      const seg = (ax, ay, bx, by) => {
        const [px, py] = [x / s, y / s]
        const t = Math.max(
          0,
          Math.min(
            1,
            ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
          ),
        )
        const d = Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)))
        return Math.max(0, Math.min(1, (0.9 - d) * s + 0.5))
      }
      white = Math.max(seg(4.8, 8.2, 7, 10.4), seg(7, 10.4, 11.2, 5.8))
    }
    const w = Math.min(white, body)
    const r = Math.round(fill[0] * (1 - w) + 255 * w)
    const g = Math.round(fill[1] * (1 - w) + 255 * w)
    const b = Math.round(fill[2] * (1 - w) + 255 * w)
    return [r, g, b, Math.round(255 * body)]
  })
}

mkdirSync(OUT, { recursive: true })
for (const [name, spec] of Object.entries(ICONS)) {
  writeFileSync(join(OUT, `${name}.png`), draw(16, spec))
  writeFileSync(join(OUT, `${name}@2x.png`), draw(32, spec))
}
console.log(`tray icons written to ${OUT}`)
