import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { PICKLE_FAMILY_SCANNERS } from '../../../../src/core/scanners/registry'
import { scanPickleBytes } from '../../../../src/core/scanners/pickle'
import { scanSource } from '../../../../src/core/scanners/scan-source'
import { DEFAULT_LIMITS } from '../../../../src/core/scanners/types'
import { findRule } from '../../../../src/core/rules'
import {
  benignObjectPayload,
  callPickle,
  legacyTorch,
  npy,
  stdlibTypesPickle,
  torchStateDictPickle,
  torchZip,
} from '../../../fixtures/generators/pickle/fixtures'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { buildTar } from '../../../fixtures/generators/pickle/tar-writer'
import { callables, maxSeverity, rules, scanBytes, verdict } from './helpers'

describe('three tiers', () => {
  it('an unknown import is medium, never silent and never critical', () => {
    const r = scanBytes(callPickle('mylab.models', 'build_model', 'x'))
    expect(rules(r)).toEqual(['pickle.unknown-import'])
    expect(maxSeverity(r)).toBe('medium')
    expect(verdict(r)).toBe('suspicious')
    expect(callables(r)).toEqual(['mylab.models.build_model'])
  })

  it('__main__ classes are unknown, not critical', () => {
    const r = scanBytes(
      new PickleWriter().proto(2).global('__main__', 'Net').emptyTuple().newobj().stop().bytes(),
    )
    expect(verdict(r)).toBe('suspicious')
  })

  it('sklearn / transformers classes are allowed, their functions are not', () => {
    expect(
      scanBytes(callPickle('sklearn.ensemble._forest', 'RandomForestClassifier')).findings,
    ).toEqual([])
    expect(rules(scanBytes(callPickle('sklearn.utils', 'some_helper')))).toEqual([
      'pickle.unknown-import',
    ])
  })

  it('repeated imports are reported once with a count', () => {
    const w = new PickleWriter().proto(2).emptyList().mark()
    for (let i = 0; i < 5; i++) w.global('mylab', 'Thing').emptyTuple().reduce()
    const r = scanBytes(w.appends().stop().bytes())
    expect(r.findings).toHaveLength(1)
    expect(r.findings[0]!.message).toContain('5 occurrences')
  })

  it('every finding has a rule in the rule table and an offset for pickle findings', () => {
    const r = scanBytes(Buffer.concat([callPickle('os', 'system', 'id'), Buffer.from('junk')]))
    for (const f of r.findings) expect(findRule(f.ruleId), f.ruleId).toBeDefined()
    expect(r.findings.find((f) => f.callable === 'os.system')?.offset).toBe(2)
  })
})

describe('malformed and truncated input', () => {
  it('junk after the last pickle makes the file invalid', () => {
    const r = scanBytes(Buffer.concat([stdlibTypesPickle(), Buffer.from([0xff, 0xfe, 0x00])]))
    expect(rules(r)).toContain('pickle.trailing-data')
    expect(verdict(r)).toBe('invalid')
  })

  it('every truncation of a benign pickle is invalid, never safe, never a throw', () => {
    const full = torchStateDictPickle(2)
    for (let n = 2; n < full.length; n++) {
      const r = scanPickleBytes(bufferSource(full.subarray(0, n), 't'), {})
      expect(r.invalid, `cut at ${n}`).toBeDefined()
    }
  })

  it('unknown opcode is invalid', () => {
    const r = scanBytes(Buffer.from([0x80, 0x02, 0xff, 0x2e]))
    expect(r.invalid).toMatch(/unknown opcode/)
  })

  it('an over-long payload length is invalid, not an allocation', () => {
    const b = Buffer.from([0x80, 0x04, 0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x2e])
    expect(scanBytes(b).invalid).toBeDefined()
  })

  it('stack depth is limited by the file size', () => {
    const b = Buffer.concat([
      Buffer.from([0x80, 0x02]),
      Buffer.alloc(300_000, 0x4e),
      Buffer.from([0x2e]),
    ])
    const r = scanPickleBytes(bufferSource(b, 'deep'), {})
    expect(r.invalid).toMatch(/stack deeper/)
  })

  it('GET of a never-stored memo slot is malformed', () => {
    const r = scanBytes(new PickleWriter().proto(2).binget(7).stop().bytes())
    expect(rules(r)).toContain('pickle.malformed')
  })

  it('bad npy headers are invalid', () => {
    const good = npy()
    const badVersion = Buffer.from(good)
    badVersion[6] = 9
    expect(scanBytes(badVersion, 'a.npy').invalid).toMatch(/version/)
    const hugeLen = Buffer.from(good)
    hugeLen.writeUInt16LE(0xffff, 8)
    expect(scanBytes(hugeLen, 'a.npy').invalid).toMatch(/out of bounds/)
    const truncated = good.subarray(0, good.length - 5)
    expect(rules(scanBytes(truncated, 'a.npy'))).toContain('numpy.bad-header')
  })

  it('benign object-dtype npy is a low finding', () => {
    const r = scanBytes(npy({ descr: '|O', shape: [2], data: benignObjectPayload() }), 'o.npy')
    expect(rules(r)).toEqual(['numpy.object-dtype'])
    expect(verdict(r)).toBe('suspicious')
  })

  it('legacy torch file cut after its third pickle is invalid', () => {
    const full = legacyTorch()
    // magic(14+1) + proto pickle + sys_info: find the 3rd STOP by scanning for it.
    const r0 = scanPickleBytes(
      bufferSource(full, 'x'),
      {},
      { maxPickles: 3, trailingAllowed: true },
    )
    const r = scanBytes(full.subarray(0, r0.end), 'x.pt')
    expect(rules(r)).toContain('pytorch.legacy-bad-structure')
    expect(verdict(r)).toBe('invalid')
  })
})

describe('zip container', () => {
  it('zip slip names and symlinks are reported', () => {
    const z = buildZip([
      { name: '../../.bashrc', data: Buffer.from('echo hi') },
      { name: 'C:/Windows/evil.pkl', data: stdlibTypesPickle() },
      { name: 'link', data: Buffer.from('/etc/passwd'), symlink: true },
    ])
    const r = scanBytes(z, 'x.zip')
    expect(rules(r)).toEqual(expect.arrayContaining(['zip.path-traversal', 'zip.symlink']))
    expect(r.findings.filter((f) => f.ruleId === 'zip.path-traversal')).toHaveLength(2)
    expect(verdict(r)).toBe('malicious')
  })

  it('a deflate bomb is refused before inflating (ratio)', () => {
    const z = buildZip([{ name: 'bomb.pkl', data: Buffer.alloc(2_000_000), deflate: true }])
    const r = scanBytes(z, 'x.zip')
    expect(rules(r)).toContain('zip.bomb')
  })

  it('a member whose declared size lies is capped and reported', () => {
    const z = buildZip([
      { name: 'lie.pkl', data: Buffer.alloc(2_000_000), deflate: true, declaredSize: 100 },
    ])
    const r = scanBytes(z, 'x.zip')
    expect(rules(r)).toContain('zip.bomb')
  })

  it('total inflated size cap applies across members', () => {
    const members = [0, 1, 2].map((i) => ({
      name: `m${i}.pkl`,
      data: stdlibTypesPickle(),
      deflate: true,
    }))
    const z = buildZip(members)
    const limits = { ...DEFAULT_LIMITS, maxInflatedBytes: stdlibTypesPickle().length * 2 + 10 }
    const r = scanSource(bufferSource(z, 'z'), {
      path: 'z.zip',
      limits,
      scanners: PICKLE_FAMILY_SCANNERS,
    })
    expect(rules(r)).toContain('zip.bomb')
  })

  it('nested zip members are scanned with their path', () => {
    const inner = torchZip(callPickle('os', 'system', 'id'))
    const outer = buildZip([{ name: 'models/inner.pt', data: inner, deflate: true }])
    const r = scanBytes(outer, 'bundle.zip')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe(
      'models/inner.pt!archive/data.pkl',
    )
  })

  it('nesting deeper than the limit is reported, not followed', () => {
    let z: Buffer = stdlibTypesPickle()
    for (let i = 0; i < 7; i++) z = buildZip([{ name: `l${i}.zip`, data: z }])
    const r = scanBytes(z, 'deep.zip')
    expect(rules(r)).toContain('model.invalid-structure')
    expect(r.invalid).toBeDefined()
  })

  it('a zip without a central directory is walked by local headers', () => {
    const z = buildZip([{ name: 'archive/data.pkl', data: callPickle('os', 'system', 'id') }], {
      omitCentral: true,
    })
    const r = scanBytes(z, 'x.pt')
    expect(callables(r)).toContain('os.system')
    expect(r.invalid).toBeDefined()
  })

  it('tensor data members of a torch zip are never read', () => {
    const z = torchZip(torchStateDictPickle(), 'archive', 4096)
    const reads: Array<[number, number]> = []
    const base = bufferSource(z, 'm.pt')
    const spy = { ...base, read: (o: number, n: number) => (reads.push([o, n]), base.read(o, n)) }
    const r = scanSource(spy, { path: 'm.pt', scanners: PICKLE_FAMILY_SCANNERS })
    expect(verdict(r)).toBe('safe')
    const dataStart = z.indexOf(Buffer.from('archive/data/0')) + 'archive/data/0'.length
    const touched = reads.some(
      ([o, n]) => o < dataStart + 4096 && o + n > dataStart && o >= dataStart - 64 && n < 100_000,
    )
    expect(touched).toBe(false)
  })

  it('keras v3 archives are reported as keras', () => {
    const z = buildZip([
      { name: 'config.json', data: Buffer.from('{"class_name":"Sequential"}') },
      { name: 'metadata.json', data: Buffer.from('{}') },
    ])
    expect(scanBytes(z, 'm.keras').format).toBe('keras')
  })
})

describe('tar container', () => {
  it('legacy torch tar: every record pickle is scanned', () => {
    const countPickle = new PickleWriter().proto(2).int(1).stop().bytes()
    const args = callPickle('os', 'system', 'id')
    const storages = Buffer.concat([
      countPickle,
      args,
      Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.alloc(8),
    ])
    const tar = buildTar([
      { name: 'sys_info', data: new PickleWriter().proto(2).emptyDict().stop().bytes() },
      { name: 'pickle', data: torchStateDictPickle() },
      { name: 'storages', data: storages },
      { name: 'tensors', data: countPickle },
    ])
    const r = scanBytes(tar, 'old.tar')
    expect(r.format).toBe('pytorch-tar')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('storages')
  })

  it('tar traversal and links are reported', () => {
    const tar = buildTar([
      { name: '../evil.pkl', data: stdlibTypesPickle() },
      { name: 'l', data: Buffer.alloc(0), type: '2', link: '/etc/passwd' },
    ])
    const r = scanBytes(tar, 'x.tar')
    expect(rules(r)).toEqual(expect.arrayContaining(['tar.path-traversal', 'tar.link-member']))
  })
})

describe('torchscript', () => {
  it('a TorchScript archive with __torch__ classes and torch.jit._pickle builders is safe', () => {
    const data = new PickleWriter()
      .proto(2)
      .global('__torch__.my_model', 'Net')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .unicode('sizes')
      .global('torch.jit._pickle', 'build_intlist')
      .emptyList()
      .tuple1()
      .reduce()
      .setitem()
      .build()
      .stop()
      .bytes()
    const z = buildZip([
      { name: 'model/data.pkl', data },
      {
        name: 'model/constants.pkl',
        data: new PickleWriter().proto(2).emptyTuple().stop().bytes(),
      },
      {
        name: 'model/code/__torch__/my_model.py',
        data: Buffer.from('class Net(Module):\n  pass\n'),
      },
      { name: 'model/version', data: Buffer.from('6\n') },
    ])
    const r = scanBytes(z, 'scripted.pt')
    expect(r.format).toBe('torchscript')
    expect(r.findings).toEqual([])
    expect(verdict(r)).toBe('safe')
  })

  it('a TorchScript archive whose constants.pkl imports os.system is malicious', () => {
    const z = buildZip([
      { name: 'model/data.pkl', data: new PickleWriter().proto(2).emptyTuple().stop().bytes() },
      { name: 'model/constants.pkl', data: callPickle('os', 'system', 'id') },
      { name: 'model/code/__torch__/m.py', data: Buffer.from('x = 1\n') },
    ])
    const r = scanBytes(z, 'scripted.pt')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('model/constants.pkl')
  })
})

describe('compressed joblib', () => {
  it('zlib-compressed sklearn joblib is safe; gzip-compressed payload is critical', async () => {
    const { deflateSync, gzipSync } = await import('node:zlib')
    const { sklearnJoblib } = await import('../../../fixtures/generators/pickle/fixtures')
    const ok = scanBytes(deflateSync(sklearnJoblib()), 'model.joblib')
    expect(ok.format).toBe('joblib')
    expect(verdict(ok)).toBe('safe')
    const bad = scanBytes(gzipSync(callPickle('os', 'system', 'id')), 'model.pkl.gz')
    expect(callables(bad)).toContain('os.system')
    expect(verdict(bad)).toBe('malicious')
  })

  it('a gzip of plain text is not claimed as joblib', async () => {
    const { gzipSync } = await import('node:zlib')
    expect(scanBytes(gzipSync(Buffer.from('hello world\n'.repeat(100))), 'notes.gz').format).toBe(
      'unknown',
    )
  })

  it('a compressed joblib bomb is refused', async () => {
    const { deflateSync } = await import('node:zlib')
    const big = Buffer.concat([
      Buffer.from([0x80, 0x04, 0x5d, 0x28]),
      Buffer.alloc(5_000_000, 0x4e),
    ])
    const r = scanBytes(deflateSync(big), 'bomb.joblib')
    expect(rules(r)).toContain('zip.bomb')
  })
})
