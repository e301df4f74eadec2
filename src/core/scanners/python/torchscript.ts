import type { ModelFinding } from '../types'
import type { PyAnalysis } from './analyze'

/**
 * TorchScript `code/` files are Python-syntax serializations of a scripted model. Their calls
 * are limited to `torch.*`, `ops.<namespace>.*`, the model's own `__torch__` classes and a few
 * builtins; TorchScript cannot compile anything else, so names outside that set mean the archive
 * was edited by hand. Sources: PyTorch's TorchScript language reference (builtin functions) and
 * the operator namespaces registered by PyTorch itself.
 */

/** Operator namespaces PyTorch registers itself (anything else needs a native extension library). */
const BUILTIN_OP_NAMESPACES = new Set([
  'aten',
  'prim',
  'prims',
  'quantized',
  '_quantized',
  'quantized_decomposed',
  'profiler',
  '_caffe2',
  'prepacked',
  'c10d',
  '_c10d_functional',
  '_c10d_functional_autograd',
  'rngprims',
  'higher_order',
  'cuda',
  'mkldnn',
  'mkldnn_prepacked',
  'onednn',
  'xnnpack',
  'vulkan_prepack',
  'metal_prepack',
  'sparse',
  'inductor',
  'debugprims',
  'torchvision',
  'torchaudio',
])

/** Roots that TorchScript never names: their presence is Python smuggled into the archive. */
const PYTHON_ROOTS = new Set([
  'os',
  'sys',
  'subprocess',
  'builtins',
  '__builtins__',
  'importlib',
  'socket',
  'shutil',
  'pickle',
  'marshal',
  'ctypes',
  'runpy',
  'pty',
  'posix',
  'nt',
  'io',
  'eval',
  'exec',
  'compile',
  'open',
  '__import__',
  'input',
  'breakpoint',
  'globals',
  'locals',
  'vars',
  'setattr',
  'delattr',
])

/** torch calls that touch the file system or load further code. */
const FILE_OPS = new Set([
  'torch.load',
  'torch.save',
  'torch.from_file',
  'torch.jit.load',
  'torch.jit.save',
  'ops.aten.from_file',
  'torch.ops.aten.from_file',
  'ops.aten.save',
  'torch.ops.aten.save',
])

/** Checks the calls of one TorchScript code file. */
export function checkTorchScriptCalls(a: PyAnalysis, member: string | undefined): ModelFinding[] {
  const out: ModelFinding[] = []
  const seen = new Set<string>()
  const add = (f: ModelFinding): void => {
    const key = `${f.ruleId}\0${f.callable}`
    if (seen.has(key) || out.length >= 50) return
    seen.add(key)
    out.push(f)
  }
  for (const c of a.calls) {
    const raw = c.raw
    const parts = raw.split('.')
    const root = parts[0]!
    if (PYTHON_ROOTS.has(root)) {
      add({
        ruleId: 'torchscript.python-call',
        message: `${member ?? 'code'}:${c.line} calls ${raw}, which TorchScript cannot compile`,
        member,
        callable: raw,
        line: c.line,
      })
      continue
    }
    if (
      FILE_OPS.has(raw) ||
      raw.startsWith('torch.hub.') ||
      raw.startsWith('torch.package.') ||
      raw.startsWith('torch.utils.cpp_extension')
    ) {
      add({
        ruleId: 'torchscript.dangerous-op',
        message: `${member ?? 'code'}:${c.line} calls ${raw}`,
        member,
        callable: raw,
        line: c.line,
      })
      continue
    }
    const ns =
      root === 'ops' ? parts[1] : root === 'torch' && parts[1] === 'ops' ? parts[2] : undefined
    if (ns !== undefined && !BUILTIN_OP_NAMESPACES.has(ns)) {
      add({
        ruleId: 'torchscript.custom-op',
        message: `${member ?? 'code'}:${c.line} calls operator ${raw} from the non-PyTorch namespace ${ns}`,
        member,
        callable: raw,
        line: c.line,
      })
      continue
    }
    if (root === 'torch' && parts[1] === 'classes' && parts.length > 2) {
      add({
        ruleId: 'torchscript.custom-op',
        message: `${member ?? 'code'}:${c.line} uses the custom class ${raw}`,
        member,
        callable: raw,
        line: c.line,
      })
    }
  }
  return out
}
