/**
 * One regression case per published bypass / CVE class (shared/reference/model-scanning.md §3).
 * Each test is named after its advisory and asserts the file is judged malicious with the
 * expected rule and resolved callable.
 */
import { describe, expect, it } from 'vitest'
import { extensionMismatch } from '../../../../src/core/scanners/scan-file'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import {
  callPickle,
  legacyTorch,
  npy,
  protocol0Call,
  stackCallPickle,
  torchStateDictPickle,
  torchZip,
} from '../../../fixtures/generators/pickle/fixtures'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { callables, rules, scanBytes, verdict } from './helpers'

function expectCritical(
  bytes: Buffer,
  callable: string,
  rule = 'pickle.dangerous-callable',
  name = 'model.pkl',
): void {
  const r = scanBytes(bytes, name)
  expect(verdict(r)).toBe('malicious')
  expect(rules(r)).toContain(rule)
  expect(callables(r)).toContain(callable)
}

/** [advisory, module, name, expected callable] for call-a-global payloads. */
const CALLS: ReadonlyArray<[string, string, string, string?]> = [
  ['CVE-2025-1716 pip.main', 'pip', 'main'],
  [
    'CVE-2025-10157 asyncio submodule transport',
    'asyncio.unix_events',
    '_UnixSubprocessTransport._start',
  ],
  ['GHSA-vvpj-8cmc-gx39 pkgutil.resolve_name trampoline', 'pkgutil', 'resolve_name'],
  ['GHSA-v7x6-rv5q-mhwc timeit.timeit', 'timeit', 'timeit'],
  ['GHSA-xp4f-hrf8-rxw7 ensurepip._run_pip', 'ensurepip', '_run_pip'],
  ['picklescan 2025-09 operator.attrgetter', 'operator', 'attrgetter'],
  ['picklescan 2025-09 _operator.methodcaller', '_operator', 'methodcaller'],
  ['picklescan 2025-09 _io.FileIO', '_io', 'FileIO'],
  ['picklescan 2025-09 distutils.file_util', 'distutils.file_util', 'write_file'],
  ['picklescan 2025-09 logging.FileHandler', 'logging', 'FileHandler'],
  ['picklescan 2025-12 profile.run', 'profile', 'run'],
  ['picklescan 2025-12 cProfile.run', 'cProfile', 'run'],
  ['picklescan 2025-12 trace.Trace.runctx', 'trace', 'Trace.runctx'],
  ['picklescan 2025-12 pdb.run', 'pdb', 'run'],
  ['picklescan 2025-12 bdb.Bdb.run', 'bdb', 'Bdb.run'],
  ['picklescan 2025-12 doctest.debug_script', 'doctest', 'debug_script'],
  ['picklescan 2025-12 nested pickle.loads', 'pickle', 'loads'],
  ['picklescan 2025-12 venv.create', 'venv', 'create'],
  ['picklescan 2025-12 aiohttp.client', 'aiohttp.client', 'request'],
  ['picklescan 2025-12 httplib', 'http.client', 'HTTPSConnection'],
  ['picklescan 2025-12 ssl', 'ssl', 'get_server_certificate'],
  ['picklescan 2025-12 requests.api.get', 'requests.api', 'get'],
  ['picklescan 2025-12 idlelib.pyshell runcode', 'idlelib.pyshell', 'ModifiedInterpreter.runcode'],
  ['picklescan 2025-12 lib2to3 Grammar.loads', 'lib2to3.pgen2.grammar', 'Grammar.loads'],
  ['picklescan 2025-12 numpy.f2py', 'numpy.f2py', 'compile'],
  ['picklescan 2026-03 numpy.testing runstring', 'numpy.testing._private.utils', 'runstring'],
  ['picklescan 2025-12 functools.partial', 'functools', 'partial'],
  ['picklescan #66 importlib.import_module', 'importlib', 'import_module'],
  ['picklescan #66 importlib.util chain', 'importlib.util', 'spec_from_file_location'],
  ['modelscan #338 torch.utils.collect_env.run', 'torch.utils.collect_env', 'run'],
  ['modelscan #338 multiprocessing.util.spawnv_passfds', 'multiprocessing.util', 'spawnv_passfds'],
  ['modelscan #338 mlflow _run_entry_point', 'mlflow.projects.backend.local', '_run_entry_point'],
  ['modelscan #338 pandas.read_csv URL', 'pandas', 'read_csv'],
  ['GHSA-r7v6-mfhq-g3m2 pty.spawn', 'pty', 'spawn'],
  ['GHSA-565g-hwwr-4pp3 marshal.loads', 'marshal', 'loads'],
  ['GHSA-565g-hwwr-4pp3 types.FunctionType', 'types', 'FunctionType'],
  ['GHSA-q5qq-mvfm-j35x top-level package match', 'asyncio.subprocess', 'create_subprocess_shell'],
  ['GHSA-h4rm-mm56-xf63 builtins.__import__', 'builtins', '__import__'],
  ['GHSA-h4rm-mm56-xf63 __builtin__.eval', '__builtin__', 'eval', 'builtins.eval'],
  ['GHSA-m6fh-58r7-x697 _posixsubprocess.fork_exec', '_posixsubprocess', 'fork_exec'],
  ['GHSA-m6fh-58r7-x697 site.addsitedir', 'site', 'addsitedir'],
  ['GHSA-m6fh-58r7-x697 atexit.register', 'atexit', 'register'],
  ['GHSA-6ggj-6f2q-f7mx _interpreters.run_string', '_interpreters', 'run_string'],
  ['fickling uuid._get_command_stdout', 'uuid', '_get_command_stdout'],
  ['fickling _osx_support._read_output', '_osx_support', '_read_output'],
  ['fickling _aix_support._read_cmd_output', '_aix_support', '_read_cmd_output'],
  ['torch internals torch.hub.load', 'torch.hub', 'load'],
  [
    'torch internals torch._inductor.codecache.compile_file',
    'torch._inductor.codecache',
    'compile_file',
  ],
  [
    'torch internals torch.jit.unsupported_tensor_ops.execWrapper',
    'torch.jit.unsupported_tensor_ops',
    'execWrapper',
  ],
  ['torch internals torch.storage._load_from_bytes', 'torch.storage', '_load_from_bytes'],
  ['ctypes CDLL', 'ctypes', 'CDLL'],
  ['socket.create_connection', 'socket', 'create_connection'],
  ['runpy.run_path', 'runpy', 'run_path'],
  ['subprocess.Popen', 'subprocess', 'Popen'],
  ['os.system', 'os', 'system'],
  ['dill._dill._create_function', 'dill._dill', '_create_function'],
  ['cloudpickle subimport', 'cloudpickle.cloudpickle', 'subimport'],
]

describe('published bypass classes are critical (GLOBAL and STACK_GLOBAL)', () => {
  for (const [adv, module, name, resolved] of CALLS) {
    const callable = resolved ?? `${module}.${name}`
    it(`${adv}: GLOBAL ${module}.${name}`, () =>
      expectCritical(callPickle(module, name, 'x'), callable))
    it(`${adv}: STACK_GLOBAL ${module}.${name}`, () =>
      expectCritical(stackCallPickle(module, name, 'x'), callable))
  }
})

describe('structural bypasses', () => {
  it('GHSA-5j3x-jp52-966f dotted-name components: gettext + os.system', () => {
    expectCritical(stackCallPickle('gettext', 'os.system', 'id'), 'gettext.os.system')
  })

  it('GHSA-9gvj-pp9x-gcfr STACK_GLOBAL operands from the memo are resolved', () => {
    const b = new PickleWriter()
      .proto(4)
      .unicode('os')
      .binput(1)
      .unicode('system')
      .binput(2)
      .op(0x30) // POP
      .op(0x30)
      .binget(1)
      .binget(2)
      .stackGlobal()
      .unicode('id')
      .tuple1()
      .reduce()
      .stop()
      .bytes()
    expectCritical(b, 'os.system')
  })

  it('GHSA-9gvj-pp9x-gcfr STACK_GLOBAL with non-string operands is unresolved and critical', () => {
    const b = new PickleWriter()
      .proto(4)
      .int(1)
      .int(2)
      .stackGlobal()
      .emptyTuple()
      .reduce()
      .stop()
      .bytes()
    const r = scanBytes(b)
    expect(rules(r)).toContain('pickle.unresolved-import')
    expect(verdict(r)).toBe('malicious')
  })

  it('CVE-2025-10155 protocol 0 pickle named .bin is scanned', () => {
    const b = protocol0Call('os', 'system', 'id')
    const r = scanBytes(b, 'pytorch_model.bin')
    expect(r.format).toBe('pickle')
    expect(verdict(r)).toBe('malicious')
    expect(callables(r)).toContain('os.system')
  })

  it('CVE-2025-10155 protocol 1 pickle with INST is scanned', () => {
    const b = new PickleWriter().mark().string0('id').inst('subprocess', 'getoutput').stop().bytes()
    expectCritical(b, 'subprocess.getoutput', 'pickle.dangerous-callable', 'weights.pt')
  })

  it('CVE-2025-1889 pickle with a non-standard extension, standalone: mismatch + critical', () => {
    const b = callPickle('os', 'system', 'id')
    const src = bufferSource(b, 'model.safetensors')
    expect(extensionMismatch('model.safetensors', src)?.ruleId).toBe('engine.extension-mismatch')
    expectCritical(b, 'os.system', 'pickle.dangerous-callable', 'model.safetensors')
  })

  it('CVE-2025-1889 pickle with a non-standard extension inside a zip', () => {
    const z = buildZip([{ name: 'archive/weights.xyz', data: callPickle('os', 'system', 'id') }])
    const r = scanBytes(z, 'model.zip')
    expect(verdict(r)).toBe('malicious')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('archive/weights.xyz')
  })

  it('CVE-2025-1944 zip local-header name differs from the central directory', () => {
    const z = buildZip([
      {
        name: 'archive/data.pkl',
        localName: 'archive/innocent.txt',
        data: callPickle('os', 'system', 'id'),
      },
    ])
    const r = scanBytes(z)
    expect(rules(r)).toContain('zip.header-anomaly')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('CVE-2025-1945 zip flag bits (encryption) do not stop the scan', () => {
    const z = buildZip([
      {
        name: 'archive/data.pkl',
        flags: 0x1,
        data: callPickle('os', 'system', 'id'),
        deflate: true,
      },
    ])
    const r = scanBytes(z)
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('CVE-2025-10156 bad CRC does not skip the member', () => {
    const z = buildZip([
      { name: 'archive/data.pkl', badCrc: true, data: callPickle('os', 'system', 'id') },
    ])
    expect(callables(scanBytes(z))).toContain('os.system')
  })

  it('modelscan #354 one corrupt entry before data.pkl does not hide it', () => {
    const good = buildZip([
      { name: 'archive/broken.pkl', data: Buffer.from('junk'), deflate: false },
      { name: 'archive/data.pkl', data: callPickle('os', 'system', 'id') },
    ])
    // Corrupt the first member's local header signature.
    const z = Buffer.from(good)
    z[0] = 0x00
    const r = scanBytes(z)
    expect(rules(r)).toContain('zip.corrupt-member')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('modelscan #330 numpy-only gadget: numpy.__builtins__ reached through an import', () => {
    const b = new PickleWriter()
      .proto(4)
      .unicode('numpy')
      .unicode('__builtins__')
      .stackGlobal()
      .stop()
      .bytes()
    expectCritical(b, 'numpy.__builtins__', 'pickle.gadget-dunder')
  })

  it('modelscan #330 numpy-only gadget: BUILD applied to numpy.size', () => {
    const b = new PickleWriter()
      .proto(2)
      .global('numpy', 'size')
      .emptyDict()
      .unicode('__defaults__')
      .none()
      .setitem()
      .build()
      .stop()
      .bytes()
    const r = scanBytes(b)
    expect(rules(r)).toContain('pickle.gadget-build-callable')
    expect(verdict(r)).toBe('malicious')
  })

  it('gadget: getattr-style lookup with a string argument', () => {
    const b = new PickleWriter()
      .proto(2)
      .global('operator', 'attrgetter')
      .unicode('system')
      .tuple1()
      .reduce()
      .stop()
      .bytes()
    expectCritical(b, 'operator.attrgetter', 'pickle.gadget-getattr')
  })

  it('gadget: a call on the result of a call is critical even with unknown imports', () => {
    const b = new PickleWriter()
      .proto(2)
      .global('somelib.factory', 'make')
      .emptyTuple()
      .reduce()
      .unicode('payload')
      .tuple1()
      .reduce()
      .stop()
      .bytes()
    const r = scanBytes(b)
    expect(rules(r)).toContain('pickle.gadget-call-result')
    expect(rules(r)).toContain('pickle.unknown-import')
    expect(verdict(r)).toBe('malicious')
  })

  it('modelscan legacy miss: payload in the main pickle of a legacy torch file', () => {
    const r = scanBytes(legacyTorch(callPickle('os', 'system', 'id')), 'model.pt')
    expect(r.format).toBe('pytorch-legacy')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('CVE-2025-32434 torch zip whose data.pkl runs builtins.exec (weights_only bypass class)', () => {
    const r = scanBytes(torchZip(callPickle('builtins', 'exec', 'import os')), 'model.pth')
    expect(r.format).toBe('pytorch-zip')
    expect(callables(r)).toContain('builtins.exec')
    expect(r.findings.find((f) => f.callable === 'builtins.exec')?.member).toBe('archive/data.pkl')
  })

  it('any .pkl member of a torch zip is scanned, not only data.pkl', () => {
    const z = buildZip([
      { name: 'ckpt/data.pkl', data: torchStateDictPickle() },
      { name: 'ckpt/extra_state.pkl', data: callPickle('os', 'system', 'id') },
      { name: 'ckpt/data/0', data: Buffer.alloc(48) },
    ])
    expect(callables(scanBytes(z))).toContain('os.system')
  })

  it('pickle/zip polyglot: prefix pickle is reported and scanned', () => {
    const z = buildZip([{ name: 'archive/data.pkl', data: torchStateDictPickle() }], {
      prefix: callPickle('os', 'system', 'id'),
    })
    const r = scanBytes(z, 'model.pt')
    expect(rules(r)).toContain('zip.polyglot-prefix')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('stacked pickles: a payload in the second pickle is found', () => {
    const b = Buffer.concat([torchStateDictPickle(), callPickle('os', 'system', 'id')])
    expectCritical(b, 'os.system')
  })

  it('truncated malicious pickle stays malicious and is also invalid', () => {
    const full = callPickle('os', 'system', 'id')
    const r = scanBytes(full.subarray(0, full.length - 3))
    expect(r.invalid).toBeDefined()
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('malicious object-dtype npy is critical', () => {
    const r = scanBytes(
      npy({ descr: '|O', shape: [1], data: callPickle('os', 'system', 'id') }),
      'x.npy',
    )
    expect(rules(r)).toContain('numpy.object-dtype')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('payload in an npz member is found with its member path', () => {
    const z = buildZip([
      { name: 'ok.npy', data: npy() },
      {
        name: 'evil.npy',
        data: npy({ descr: '|O', shape: [1], data: callPickle('os', 'system', 'id') }),
        deflate: true,
      },
    ])
    const r = scanBytes(z, 'arrays.npz')
    expect(r.format).toBe('npz')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('evil.npy')
  })
})
