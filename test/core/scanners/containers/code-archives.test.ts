import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { scanSource, withSeverity } from '../../../../src/core/scanners/scan-source'
import { verdictOf } from '../../../../src/core/scanners/verdict'
import { buildTar } from '../../../fixtures/generators/pickle/tar-writer'
import { torchZip } from '../../../fixtures/generators/pickle/fixtures'
import {
  benignPickle,
  llamafile,
  maliciousPickle,
  marArchive,
  nemoArchive,
  torchScriptArchive,
  zstdHugeWindow,
  zstdRaw,
  zstdRleBomb,
} from '../../../fixtures/generators/repo/archives'
import { MALICIOUS_CODE, MALICIOUS_TARGETS } from '../../../fixtures/generators/repo/repos'
import { buildGguf } from '../../../fixtures/generators/structured/gguf'

function scan(bytes: Uint8Array, name: string) {
  const r = scanSource(bufferSource(bytes, name), { path: `/m/${name}` })
  const all = r.findings.map(withSeverity)
  return {
    format: r.format,
    invalid: r.invalid,
    rules: all.map((f) => f.ruleId),
    all,
    verdict: verdictOf(
      all.map((f) => f.severity),
      r.invalid !== undefined,
    ),
  }
}

describe('NeMo archives', () => {
  it('a benign .nemo (plain tar and gzip) is safe and recognised', () => {
    for (const gzip of [false, true]) {
      const r = scan(nemoArchive({ gzip }), 'model.nemo')
      expect(r.format).toBe('nemo')
      expect(r.verdict, JSON.stringify(r.all)).toBe('safe')
    }
  })

  for (const t of MALICIOUS_TARGETS.slice(0, 4)) {
    it(`model_config.yaml with ${t.name} is critical (CVE-2025-23304 class)`, () => {
      for (const gzip of [false, true]) {
        const r = scan(nemoArchive({ config: t.yaml, gzip }), 'model.nemo')
        expect(r.verdict).toBe('malicious')
        const f = r.all.find((x) => x.ruleId === 'config.instantiation-target')
        expect(f?.member).toContain('model_config.yaml')
        expect(f?.callable).toBe(t.callable)
      }
    })
  }

  it('malicious weights inside a .nemo are found', () => {
    const r = scan(nemoArchive({ weights: torchZip(maliciousPickle()) }), 'model.nemo')
    expect(r.verdict).toBe('malicious')
    expect(r.rules).toContain('pickle.dangerous-callable')
  })
})

describe('TorchServe .mar', () => {
  it('a benign handler gives the low handler-code finding only', () => {
    const r = scan(marArchive(), 'foo.mar')
    expect(r.format).toBe('mar')
    expect(r.rules).toEqual(['archive.handler-code'])
  })

  it('a handler that starts processes is critical, with member and line', () => {
    const r = scan(marArchive(`${MALICIOUS_CODE[0]!.code}\n`), 'foo.mar')
    expect(r.verdict).toBe('malicious')
    const f = r.all.find((x) => x.ruleId === 'code.process-execution')
    expect(f?.member).toBe('handler.py')
    expect(f?.line).toBe(2)
  })
})

describe('TorchScript archives', () => {
  it('ordinary serialized code is safe', () => {
    const r = scan(torchScriptArchive(), 'model.pt')
    expect(r.format).toBe('torchscript')
    expect(r.verdict, JSON.stringify(r.all)).toBe('safe')
  })

  it('Python calls TorchScript cannot compile are critical', () => {
    const r = scan(
      torchScriptArchive(`def forward(self, x):\n    os.system("id")\n    return x\n`),
      'model.pt',
    )
    expect(r.verdict).toBe('malicious')
    expect(r.all.find((f) => f.ruleId === 'torchscript.python-call')?.callable).toBe('os.system')
  })

  it('file operators are high and custom operator namespaces medium', () => {
    const r = scan(
      torchScriptArchive(
        `def forward(self, x):\n    y = torch.from_file("/etc/passwd", False, 10)\n    return ops.evilns.run(x)\n`,
      ),
      'model.pt',
    )
    expect(r.rules).toContain('torchscript.dangerous-op')
    expect(r.rules).toContain('torchscript.custom-op')
  })
})

describe('llamafile', () => {
  it('is reported as an executable and its embedded GGUF is scanned', () => {
    const r = scan(llamafile(), 'model.llamafile')
    expect(r.format).toBe('llamafile')
    expect(r.rules).toContain('archive.executable')
    expect(r.verdict).toBe('suspicious')
  })

  it('an embedded GGUF with a malicious chat template is critical', () => {
    const gguf = buildGguf({
      kv: [
        { key: 'general.architecture', type: 'string', value: 'llama' },
        {
          key: 'tokenizer.chat_template',
          type: 'string',
          value: "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        },
      ],
    }).bytes
    expect(scan(llamafile(gguf), 'model.llamafile').verdict).toBe('malicious')
  })
})

describe('zstd containers', () => {
  it('a zstd-compressed benign pickle is safe, a malicious one critical', () => {
    expect(scan(zstdRaw(benignPickle()), 'model.pkl.zst').verdict).toBe('safe')
    const bad = scan(zstdRaw(maliciousPickle(), { fcs: false }), 'model.pkl.zst')
    expect(bad.format).toBe('zstd')
    expect(bad.verdict).toBe('malicious')
  })

  it('a zstd-compressed tar hiding a pickle is opened', () => {
    const tar = buildTar([{ name: 'weights/model.pkl', data: maliciousPickle() }])
    expect(scan(zstdRaw(tar), 'weights.tar.zst').verdict).toBe('malicious')
  })

  it('bombs are refused without expanding them', () => {
    const r = scan(zstdRleBomb(400), 'x.pkl.zst')
    expect(r.rules).toEqual(['archive.bomb'])
    const w = scan(zstdHugeWindow(), 'x.pkl.zst')
    expect(w.rules).toEqual(['archive.unscannable'])
    expect(w.verdict).toBe('invalid')
  })

  it('damaged zstd is unscannable at medium, never safe', () => {
    const good = zstdRaw(maliciousPickle())
    const r = scan(good.subarray(0, good.length - 5), 'x.pkl.zst')
    expect(r.rules).toContain('archive.unscannable')
    expect(r.verdict).not.toBe('safe')
  })
})
