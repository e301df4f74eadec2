import { describe, expect, it } from 'vitest'
import { analyzePython } from '../../../../src/core/scanners/python/analyze'
import { BEHAVIOUR_RULE } from '../../../../src/core/scanners/python/behaviours'
import { tokenizePython } from '../../../../src/core/scanners/python/tokenize'
import { MALICIOUS_CODE } from '../../../fixtures/generators/repo/repos'

const rules = (src: string): string[] =>
  analyzePython(src).hits.map((h) => BEHAVIOUR_RULE[h.behaviour])

describe('Python tokenizer', () => {
  it('decodes escapes, joins continuation lines and reads f-string fields as code', () => {
    const t = tokenizePython('x = "\\x6f\\x73"\ny = (1,\n 2)\nz = f"{os.getcwd()}"\n')
    expect(t.filter((k) => k.type === 'string').map((k) => k.value)).toContain('os')
    expect(t.filter((k) => k.type === 'newline')).toHaveLength(3)
    expect(t.some((k) => k.type === 'name' && k.value === 'getcwd')).toBe(true)
  })

  it('keeps line numbers across triple-quoted strings', () => {
    const t = tokenizePython('a = """one\ntwo\nthree"""\nos.system("x")\n')
    expect(t.find((k) => k.value === 'system')?.line).toBe(4)
  })

  it('never throws on unterminated strings, stray bytes or deep nesting', () => {
    for (const src of ['"abc', "'''abc", '\u0000\u0001(((', '('.repeat(50_000), 'f"{'])
      expect(() => analyzePython(src)).not.toThrow()
  })
})

describe('Python static reader', () => {
  for (const c of MALICIOUS_CODE) {
    it(`reports ${c.name} as ${c.rule}`, () => {
      expect(rules(c.code)).toContain(c.rule)
    })
  }

  it('gives file lines and resolved callables', () => {
    const a = analyzePython('import os\n\n\nos.system("id")\n')
    expect(a.hits[0]).toMatchObject({ line: 4, call: 'os.system', severity: 'critical' })
  })

  it('follows from-imports, star imports and aliases', () => {
    expect(rules('from os import system as run\nrun("id")\n')).toContain('code.process-execution')
    expect(rules('from subprocess import *\ncheck_output(["id"])\n')).toContain(
      'code.process-execution',
    )
    expect(rules('import os\nf = os.popen\nf("id")\n')).toContain('code.process-execution')
    expect(rules('x = __import__("subprocess")\n')).toContain('code.process-execution')
  })

  it('folds reversed and joined strings', () => {
    expect(rules('import os\ngetattr(os, "metsys"[::-1])("id")\n')).toContain(
      'code.process-execution',
    )
    expect(rules('import os\ngetattr(os, "".join(["sys", "tem"]))("id")\n')).toContain(
      'code.process-execution',
    )
  })

  it('does not flag ordinary model code', () => {
    const src = `import os, math, base64, importlib.util, torch
from torch import nn
rank = int(os.environ.get("LOCAL_RANK", 0))
path = os.path.join(folder, "weights.pt")
state = torch.load(path, map_location="cpu")
model.eval()
self.eval()
ok = importlib.util.find_spec("flash_attn") is not None
ids = {base64.b64decode(tok): int(r) for tok, r in pairs}
with open(os.path.join(out, "x.txt"), "w") as f:
    f.write("hi")
def eval(x):
    return x
eval(3)
`
    expect(analyzePython(src).hits).toEqual([])
  })

  it('does not flag reads of non-secret environment variables', () => {
    expect(rules('import os\nx = os.getenv("CUDA_VISIBLE_DEVICES")\n')).toEqual([])
  })

  it('reports relative imports for the repository walk', () => {
    const a = analyzePython('from .configuration_foo import FooConfig\nfrom . import utils\n')
    expect(a.relativeImports).toContain('.configuration_foo')
    expect(a.relativeImports).toContain('.utils')
  })
})
