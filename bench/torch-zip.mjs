// Generators shared by the benchmarks: a buffered file writer and a stored-member PyTorch zip of
// any size (tensor members are zeros written straight to disk).
import { closeSync, openSync, writeSync } from 'node:fs'
import { crc32 as zlibCrc32 } from 'node:zlib'

const MB = 1024 * 1024

export class Out {
  constructor(path) {
    this.fd = openSync(path, 'w')
    this.buf = Buffer.alloc(4 * MB)
    this.n = 0
    this.size = 0
  }
  bytes(b) {
    if (this.n + b.length > this.buf.length) this.flush()
    if (b.length > this.buf.length) {
      writeSync(this.fd, b)
    } else {
      this.buf.set(b, this.n)
      this.n += b.length
    }
    this.size += b.length
  }
  byte(...xs) {
    this.bytes(Buffer.from(xs))
  }
  flush() {
    if (this.n > 0) writeSync(this.fd, this.buf, 0, this.n)
    this.n = 0
  }
  close() {
    this.flush()
    closeSync(this.fd)
  }
}

export const u32 = (v) => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v)
  return b
}
export const sbu = (s) => Buffer.concat([Buffer.from([0x8c, Buffer.byteLength(s)]), Buffer.from(s)])

function crc32(b) {
  return zlibCrc32 ? zlibCrc32(b) : 0
}

/** A stored-member torch zip: archive/data.pkl (state dict of `tensors` entries) + data/N members. */
export function genTorchZip(path, totalBytes, tensors = 64) {
  const o = new Out(path)
  const central = []
  const add = (name, size, writeBody, crc) => {
    const nameB = Buffer.from(name)
    const lh = Buffer.alloc(30)
    lh.writeUInt32LE(0x04034b50, 0)
    lh.writeUInt16LE(20, 4)
    lh.writeUInt32LE(crc, 14)
    lh.writeUInt32LE(size, 18)
    lh.writeUInt32LE(size, 22)
    lh.writeUInt16LE(nameB.length, 26)
    const off = o.size
    o.bytes(lh)
    o.bytes(nameB)
    writeBody()
    const ch = Buffer.alloc(46)
    ch.writeUInt32LE(0x02014b50, 0)
    ch.writeUInt16LE(20, 4)
    ch.writeUInt16LE(20, 6)
    ch.writeUInt32LE(crc, 16)
    ch.writeUInt32LE(size, 20)
    ch.writeUInt32LE(size, 24)
    ch.writeUInt16LE(nameB.length, 28)
    ch.writeUInt32LE(off, 42)
    central.push(ch, nameB)
  }
  // data.pkl: OrderedDict of _rebuild_tensor_v2 entries with persistent storages.
  const p = []
  const b = (...xs) => p.push(Buffer.from(xs))
  const g = (m, n) => p.push(Buffer.from(`c${m}\n${n}\n`))
  b(0x80, 0x02)
  g('collections', 'OrderedDict')
  b(0x29, 0x52, 0x28)
  const per = Math.floor(totalBytes / tensors)
  for (let t = 0; t < tensors; t++) {
    p.push(sbu(`layers.${t}.weight`))
    g('torch._utils', '_rebuild_tensor_v2')
    b(0x28, 0x28)
    p.push(sbu('storage'))
    g('torch', 'FloatStorage')
    p.push(sbu(String(t)), sbu('cpu'))
    b(0x4a)
    p.push(u32(per / 4))
    b(0x74, 0x51, 0x4b, 0, 0x4a)
    p.push(u32(per / 4))
    b(0x85, 0x4b, 1, 0x85, 0x89)
    g('collections', 'OrderedDict')
    b(0x29, 0x52, 0x74, 0x52)
  }
  b(0x75, 0x2e)
  const pkl = Buffer.concat(p)
  add('archive/data.pkl', pkl.length, () => o.bytes(pkl), crc32(pkl))
  add('archive/byteorder', 6, () => o.bytes(Buffer.from('little')), crc32(Buffer.from('little')))
  const zeros = Buffer.alloc(Math.min(per, 4 * MB))
  let zcrc = 0
  if (zlibCrc32) {
    for (let left = per; left > 0; left -= zeros.length)
      zcrc = zlibCrc32(left >= zeros.length ? zeros : zeros.subarray(0, left), zcrc)
  }
  for (let t = 0; t < tensors; t++) {
    add(
      `archive/data/${t}`,
      per,
      () => {
        o.flush()
        for (let left = per; left > 0; left -= zeros.length) {
          const n = Math.min(left, zeros.length)
          writeSync(o.fd, zeros, 0, n)
          o.size += n
        }
      },
      zcrc,
    )
  }
  add('archive/version', 2, () => o.bytes(Buffer.from('3\n')), crc32(Buffer.from('3\n')))
  const cd = Buffer.concat(central)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(central.length / 2, 8)
  eocd.writeUInt16LE(central.length / 2, 10)
  eocd.writeUInt32LE(cd.length, 12)
  eocd.writeUInt32LE(o.size, 16)
  o.bytes(cd)
  o.bytes(eocd)
  o.close()
}
