/**
 * What the static Python reader looks for, as data. Each entry names fully resolved dotted calls
 * (after import aliases are followed). Sources: the Python standard library documentation of each
 * module (process, code, import, network, native and codec APIs) and the pickle deny lists of the
 * four peer scanners (shared/reference/model-scanning.md section 1).
 */

export const PY_BEHAVIOURS = [
  'process',
  'exec',
  'internals',
  'dynamic-import',
  'network',
  'native',
  'file-write',
  'credential',
  'encoded-payload',
] as const
export type PyBehaviour = (typeof PY_BEHAVIOURS)[number]

/** Rule id per behaviour (the rule table holds severity, title, why and fix). */
export const BEHAVIOUR_RULE: Readonly<Record<PyBehaviour, string>> = {
  process: 'code.process-execution',
  exec: 'code.dynamic-execution',
  internals: 'code.interpreter-internals',
  'dynamic-import': 'code.dynamic-import',
  network: 'code.network-access',
  native: 'code.native-library',
  'file-write': 'code.file-write-outside',
  credential: 'code.credential-access',
  'encoded-payload': 'code.encoded-payload',
}

/** Whole modules every call into which is the behaviour (`subprocess.anything(...)`). */
export const MODULE_BEHAVIOUR: ReadonlyArray<readonly [string, PyBehaviour]> = [
  ['subprocess', 'process'],
  ['pty', 'process'],
  ['commands', 'process'],
  ['_posixsubprocess', 'process'],
  ['runpy', 'exec'],
  ['code', 'exec'],
  ['codeop', 'exec'],
  ['_interpreters', 'exec'],
  ['_xxsubinterpreters', 'exec'],
  ['socket', 'network'],
  ['ssl', 'network'],
  ['urllib.request', 'network'],
  ['urllib2', 'network'],
  ['urllib3', 'network'],
  ['http.client', 'network'],
  ['httplib', 'network'],
  ['requests', 'network'],
  ['httpx', 'network'],
  ['aiohttp', 'network'],
  ['ftplib', 'network'],
  ['smtplib', 'network'],
  ['telnetlib', 'network'],
  ['poplib', 'network'],
  ['imaplib', 'network'],
  ['xmlrpc.client', 'network'],
  ['paramiko', 'network'],
  ['pycurl', 'network'],
  ['websocket', 'network'],
  ['websockets', 'network'],
  ['webbrowser', 'network'],
  ['wget', 'network'],
  ['ctypes', 'native'],
  ['_ctypes', 'native'],
  ['cffi', 'native'],
]

/** Exact callables (also flagged when passed around uncalled, e.g. `map(os.system, cmds)`). */
export const EXACT_BEHAVIOUR: ReadonlyMap<string, PyBehaviour> = new Map<string, PyBehaviour>([
  ...[
    'os.system',
    'os.popen',
    'os.execl',
    'os.execle',
    'os.execlp',
    'os.execlpe',
    'os.execv',
    'os.execve',
    'os.execvp',
    'os.execvpe',
    'os.spawnl',
    'os.spawnle',
    'os.spawnlp',
    'os.spawnlpe',
    'os.spawnv',
    'os.spawnve',
    'os.spawnvp',
    'os.spawnvpe',
    'os.posix_spawn',
    'os.posix_spawnp',
    'os.startfile',
    'os.forkpty',
    'platform.popen',
    'asyncio.create_subprocess_exec',
    'asyncio.create_subprocess_shell',
    'multiprocessing.util.spawnv_passfds',
  ].map((n) => [n, 'process'] as const),
  ...[
    'builtins.eval',
    'builtins.exec',
    'builtins.compile',
    'builtins.execfile',
    'marshal.loads',
    'marshal.load',
    'types.CodeType',
    'types.FunctionType',
    'pickle.loads',
    'pickle.load',
    'pickle.Unpickler',
    '_pickle.loads',
    'cPickle.loads',
    'dill.loads',
    'dill.load',
    'cloudpickle.loads',
    'timeit.timeit',
    'timeit.repeat',
    'cProfile.run',
    'profile.run',
    'pdb.run',
    'doctest.debug_script',
    'torch.utils.collect_env.run',
  ].map((n) => [n, 'exec'] as const),
  ...[
    'builtins.__import__',
    'importlib.import_module',
    'importlib.__import__',
    'importlib.reload',
    'importlib.util.spec_from_file_location',
    'importlib.util.module_from_spec',
    'importlib.machinery.SourceFileLoader',
    'importlib.machinery.SourcelessFileLoader',
    'imp.load_source',
    'imp.load_module',
    'imp.load_compiled',
    'pkgutil.resolve_name',
    'zipimport.zipimporter',
  ].map((n) => [n, 'dynamic-import'] as const),
  ...['urllib.urlopen', 'urllib.urlretrieve'].map((n) => [n, 'network'] as const),
])

/** Calls that decode a payload: flagged when fed a long literal, critical when their result is run. */
export const DECODERS: ReadonlySet<string> = new Set([
  'base64.b64decode',
  'base64.standard_b64decode',
  'base64.urlsafe_b64decode',
  'base64.b32decode',
  'base64.b16decode',
  'base64.a85decode',
  'base64.b85decode',
  'base64.decodebytes',
  'base64.decodestring',
  'binascii.a2b_base64',
  'binascii.unhexlify',
  'binascii.a2b_hex',
  'codecs.decode',
  'zlib.decompress',
  'lzma.decompress',
  'bz2.decompress',
  'gzip.decompress',
  'builtins.bytes.fromhex',
])

/** A decoder argument at least this long is treated as an embedded payload. */
export const PAYLOAD_MIN_CHARS = 64

/** Calls that import a module named by their first argument. */
export const IMPORTERS: ReadonlySet<string> = new Set([
  'builtins.__import__',
  'importlib.import_module',
  'importlib.__import__',
])

/** Calls that change the file system at the path given as first argument. */
export const PATH_WRITERS: ReadonlySet<string> = new Set([
  'os.remove',
  'os.unlink',
  'os.rmdir',
  'os.removedirs',
  'os.rename',
  'os.renames',
  'os.replace',
  'os.chmod',
  'os.chown',
  'os.symlink',
  'os.link',
  'os.truncate',
  'os.makedirs',
  'os.mkdir',
  'shutil.rmtree',
  'shutil.move',
  'shutil.copy',
  'shutil.copy2',
  'shutil.copyfile',
  'shutil.copytree',
])

/** Path methods that write (`Path('/etc/x').write_text(...)`). */
export const PATH_METHOD_WRITERS: ReadonlySet<string> = new Set([
  'write_text',
  'write_bytes',
  'unlink',
  'rmdir',
  'rename',
  'replace',
  'touch',
  'mkdir',
  'symlink_to',
  'chmod',
  'hardlink_to',
])

/** Targets whose modification persists code across logins or reaches other programs. */
export const PERSISTENCE_PATH =
  /(\.bashrc|\.bash_profile|\.zshrc|\.profile|\.zprofile|authorized_keys|crontab|\/etc\/|LaunchAgents|LaunchDaemons|systemd|autostart|site-packages|sitecustomize|usercustomize|\.pth$|Startup)/i

/** Credential stores: reading one of these from model code is exfiltration. */
export const CREDENTIAL_PATH =
  /(\.ssh\/(id_|authorized_keys|known_hosts)|\.aws\/credentials|\.aws\/config|\.netrc|\.git-credentials|huggingface\/token|\.docker\/config\.json|\.kube\/config|\.gnupg|\/etc\/shadow|\.config\/gcloud|\.azure\/|Login Data|Cookies|keychain|\.npmrc|\.pypirc)/i

/** Environment variable names that hold secrets. */
export const SECRET_ENV =
  /(TOKEN|SECRET|PASSW|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH|^AWS_|^HF_|HUGGING|OPENAI|ANTHROPIC|GITHUB|GITLAB|SLACK|AZURE_|GOOGLE_APPLICATION)/i

/** Builtins a bare name resolves to when the file does not bind it itself. */
export const PY_BUILTINS: ReadonlySet<string> = new Set([
  'eval',
  'exec',
  'compile',
  'execfile',
  '__import__',
  'open',
  'getattr',
  'setattr',
  'globals',
  'locals',
  'vars',
  'bytes',
  'input',
  'breakpoint',
])

/** Attribute names that walk from an object into interpreter internals. */
export const INTERNAL_ATTRS: ReadonlySet<string> = new Set([
  '__builtins__',
  '__globals__',
  '__subclasses__',
])
