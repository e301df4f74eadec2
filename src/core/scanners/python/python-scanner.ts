import { looksLikePickle } from '../pickle/sniff'
import type { ByteSource } from '../byte-source'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import { defineScanner } from '../types'
import { analyzePython } from './analyze'
import { BEHAVIOUR_RULE } from './behaviours'
import { checkTorchScriptCalls } from './torchscript'

/** Largest Python member read (handler code and TorchScript files are small). */
const MAX_CODE_BYTES = 4 * 1024 * 1024

const TORCHSCRIPT_CODE = /(^|[/!])code\//

/**
 * Python members of model archives: TorchServe `.mar` handlers and TorchScript `code/` files.
 * Member-only: loose `.py` files are read by the repository analysis when a config names them.
 */
export function scanPythonMember(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'python-code'> {
  const where = ctx.member ?? src.name
  if (src.size > MAX_CODE_BYTES) {
    return {
      format: 'python-code',
      findings: [
        {
          ruleId: 'repo.custom-code-unreadable',
          message: `${where}: ${src.size} bytes, over the ${MAX_CODE_BYTES}-byte limit`,
          member: ctx.member,
        },
      ],
      invalid: 'code too large to read',
    }
  }
  const bytes = src.read(0, src.size)
  if (bytes.includes(0)) {
    return {
      format: 'python-code',
      findings: [
        {
          ruleId: 'repo.custom-code-unreadable',
          message: `${where}: binary content in a .py member`,
          member: ctx.member,
        },
      ],
      invalid: 'binary code member',
    }
  }
  const a = analyzePython(Buffer.from(bytes).toString('utf8'))
  const findings: ModelFinding[] = a.hits.map((h) => ({
    ruleId: BEHAVIOUR_RULE[h.behaviour],
    severity: h.severity,
    message: `${where}:${h.line} ${h.detail}`,
    member: ctx.member,
    callable: h.call,
    line: h.line,
  }))
  if (TORCHSCRIPT_CODE.test(where)) findings.push(...checkTorchScriptCalls(a, ctx.member))
  return {
    format: 'python-code',
    findings,
    ...(a.truncated ? { invalid: 'too many tokens to read completely' } : {}),
    metadata: { imports: a.imports.slice(0, 50) },
  }
}

export const pythonMemberScanner = defineScanner({
  formats: ['python-code'],
  extensions: [],
  memberOnly: true,
  sniff: (head, _src, name) =>
    name.toLowerCase().endsWith('.py') && !head.includes(0) && !looksLikePickle(head),
  scan: scanPythonMember,
})
