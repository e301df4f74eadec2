// Header-scan benchmark: a 4 GiB GGUF and a 4 GiB safetensors file, created SPARSE (header
// written, then ftruncate to the full size, so no disk is used), against 1 MiB files of the same
// formats. Header parsing must not depend on tensor data size, so the ratio should be ~1.
//
//   node bench/headers-bench.mjs [--quick] [--runs N]
//
// It bundles src/core/scanners/scan-file.ts (bench/lib.mjs) into bench/.work first.
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundle, median, msSince, now, WORK } from './lib.mjs'

const { scanModelFile } = createRequire(import.meta.url)(
  bundle('src/core/scanners/scan-file.ts', join(WORK, 'scan-file-headers.cjs')),
)

const runsArg = process.argv.indexOf('--runs')
const RUNS =
  runsArg > 0 ? Number(process.argv[runsArg + 1]) : process.argv.includes('--quick') ? 15 : 51
const GiB = 1024 ** 3

function u32(v) {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v)
  return b
}
function u64(v) {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(v))
  return b
}
function gstr(s) {
  const b = Buffer.from(s)
  return Buffer.concat([u64(b.length), b])
}

/** GGUF v3 header for F32 tensors of `perTensor` elements each; returns [header, total size]. */
function ggufHeader(tensors, perTensor) {
  const parts = [Buffer.from('GGUF'), u32(3), u64(tensors), u64(3)]
  parts.push(gstr('general.architecture'), u32(8), gstr('llama'))
  parts.push(gstr('general.name'), u32(8), gstr('bench'))
  parts.push(
    gstr('tokenizer.chat_template'),
    u32(8),
    gstr("{% for m in messages %}{{ '<|' + m['role'] + '|>' + m['content'] | trim }}{% endfor %}"),
  )
  for (let i = 0; i < tensors; i++) {
    parts.push(gstr(`blk.${i}.weight`), u32(1), u64(perTensor), u32(0), u64(i * perTensor * 4))
  }
  let h = Buffer.concat(parts)
  h = Buffer.concat([h, Buffer.alloc((32 - (h.length % 32)) % 32)])
  return [h, h.length + tensors * perTensor * 4]
}

/** safetensors header for F32 tensors; returns [header incl. length prefix, total size]. */
function safetensorsHeader(tensors, perTensor) {
  const json = { __metadata__: { format: 'pt' } }
  for (let i = 0; i < tensors; i++) {
    json[`layers.${i}.weight`] = {
      dtype: 'F32',
      shape: [perTensor],
      data_offsets: [i * perTensor * 4, (i + 1) * perTensor * 4],
    }
  }
  let text = Buffer.from(JSON.stringify(json))
  text = Buffer.concat([text, Buffer.alloc((8 - (text.length % 8)) % 8, 0x20)])
  const h = Buffer.concat([u64(text.length), text])
  return [h, h.length + tensors * perTensor * 4]
}

function sparseFile(path, header, size) {
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, header, 0, header.length, 0)
    ftruncateSync(fd, size)
  } finally {
    closeSync(fd)
  }
}

/** Alternates the two files run by run so machine noise hits both alike; returns medians. */
async function medians(paths) {
  const times = paths.map(() => [])
  const reports = []
  for (let i = 0; i < RUNS; i++) {
    for (const [k, path] of paths.entries()) {
      const t0 = now()
      reports[k] = await scanModelFile(path, { hash: false })
      times[k].push(msSince(t0))
    }
  }
  return times.map((t, k) => ({ ms: median(t), report: reports[k] }))
}

const dir = mkdtempSync(join(tmpdir(), 'aiscout-headers-bench-'))
try {
  const TENSORS = 16
  const cases = [
    ['gguf', ggufHeader, '.gguf'],
    ['safetensors', safetensorsHeader, '.safetensors'],
  ]
  console.log(`header scan, median of ${RUNS} runs, sha256 off (only headers are read)`)
  for (const [name, make, ext] of cases) {
    const [bigH, bigSize] = make(TENSORS, (4 * GiB) / TENSORS / 4)
    const [smallH, smallSize] = make(TENSORS, (1024 * 1024) / TENSORS / 4)
    const big = join(dir, `big${ext}`)
    const small = join(dir, `small${ext}`)
    sparseFile(big, bigH, bigSize)
    sparseFile(small, smallH, smallSize)
    await medians([small, big]) // warm-up (JIT, page cache)
    const [s, b] = await medians([small, big])
    for (const r of [s.report, b.report]) {
      if (r.format !== name || r.verdict !== 'safe')
        throw new Error(`${r.path}: expected safe ${name}, got ${r.format}/${r.verdict}`)
    }
    console.log(
      `${name.padEnd(12)} 1 MiB: ${s.ms.toFixed(3)} ms   ${(bigSize / GiB).toFixed(2)} GiB: ${b.ms.toFixed(3)} ms   ratio 4 GiB / 1 MiB = ${(b.ms / s.ms).toFixed(2)}`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
