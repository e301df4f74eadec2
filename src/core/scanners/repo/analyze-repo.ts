import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { findRule } from '../../rules'
import type { Severity, Verdict } from '../../types'
import { checkConfigText } from '../config/instantiation'
import { analyzePython } from '../python/analyze'
import { BEHAVIOUR_RULE } from '../python/behaviours'
import type { ModelFinding } from '../types'
import { verdictOf } from '../verdict'
import type { CodeReference } from './custom-code'
import { codeReferences, moduleFiles, relativeImportFiles } from './custom-code'
import { traceOpen } from '../../util/open-trace'

/** One file of a repository: its path inside the repository and where its bytes are on disk. */
export type RepoFile = Readonly<{ rel: string; path: string; size: number }>

/** A finding located in one repository file (`path` is that file on disk). */
export type RepoFinding = ModelFinding &
  Readonly<{ severity: Severity; file: string; path: string }>

export type CustomCodeEntry = Readonly<{
  /** Repository-relative Python file (or the module as written when it is not present). */
  file: string
  present: boolean
  /** `config.json auto_map.AutoModel` style references that lead to it. */
  referencedBy: readonly string[]
  remoteRepo?: string
}>

export type RepositoryReport = Readonly<{
  /** The repository folder (a snapshot folder for a Hugging Face cache repo). */
  root: string
  /** True when loading needs `trust_remote_code=True` (its configs name Python code). */
  needsTrustRemoteCode: boolean
  customCode: readonly CustomCodeEntry[]
  /** Python files read by the static check (referenced files and their relative imports). */
  codeFilesChecked: readonly string[]
  configsChecked: number
  findings: readonly RepoFinding[]
  verdict: Verdict
}>

export type RepositoryLimits = Readonly<{
  /** Largest Python file read (bigger ones are reported unreadable). */
  maxCodeBytes: number
  /** Largest YAML/JSON config read for instantiation entries. */
  maxConfigBytes: number
  /** Most config files read per repository. */
  maxConfigs: number
  /** Most Python files followed per repository. */
  maxCodeFiles: number
}>

export const DEFAULT_REPOSITORY_LIMITS: RepositoryLimits = {
  maxCodeBytes: 4 * 1024 * 1024,
  maxConfigBytes: 16 * 1024 * 1024,
  maxConfigs: 500,
  maxCodeFiles: 200,
}

/** Large vocabularies that never carry instantiation entries: not worth reading. */
const SKIP_CONFIGS = new Set([
  'tokenizer.json',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
])

const CONFIG_EXT = /\.(ya?ml|json)$/i

/** Files that make a folder a model repository (with weights or custom code beside them). */
const REPO_MARKERS = new Set(['config.json', 'model_index.json', 'modules.json'])

function readText(path: string, max: number): { text?: string; error?: string } {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    traceOpen(path)
    const size = fstatSync(fd).size
    if (size > max) return { error: `${size} bytes, over the ${max}-byte limit` }
    const buf = Buffer.allocUnsafe(size)
    let got = 0
    while (got < size) {
      const r = readSync(fd, buf, got, size - got, got)
      if (r === 0) break
      got += r
    }
    const bytes = buf.subarray(0, got)
    if (bytes.includes(0)) return { error: 'binary content' }
    return { text: bytes.toString('utf8') }
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** True when the listing holds a model config (config.json, model_index.json, modules.json). */
export function isModelRepository(files: readonly RepoFile[]): boolean {
  return files.some((f) => REPO_MARKERS.has(f.rel.slice(f.rel.lastIndexOf('/') + 1)))
}

/**
 * Repository-level analysis of a model folder: which Python files its configs make loaders run
 * (and so whether it needs `trust_remote_code`), a static check of each of them and of the files
 * they import relatively, and config instantiation entries in every YAML/JSON config. Reads only
 * the configs and referenced code, each bounded; never runs anything, never throws.
 */
export function analyzeRepository(
  root: string,
  files: readonly RepoFile[],
  limits: RepositoryLimits = DEFAULT_REPOSITORY_LIMITS,
): RepositoryReport {
  const byRel = new Map(files.map((f) => [f.rel, f]))
  const findings: RepoFinding[] = []
  const add = (f: ModelFinding, file: RepoFile | undefined, rel: string): void => {
    findings.push({
      ...f,
      severity: f.severity ?? findRule(f.ruleId)?.severity ?? 'medium',
      file: rel,
      path: file?.path ?? join(root, rel),
    })
  }
  // Modules shipped with the model: `_target_: modeling_foo.Bar` imports one of these.
  const customModules = new Set<string>()
  for (const f of files) {
    if (!f.rel.endsWith('.py')) continue
    const top = f.rel.split('/')[0]!
    customModules.add(top.endsWith('.py') ? top.slice(0, -3) : top)
  }

  // 1. Configs: code references and instantiation entries.
  const refs: CodeReference[] = []
  let configsChecked = 0
  for (const f of files) {
    if (!CONFIG_EXT.test(f.rel)) continue
    const base = f.rel.slice(f.rel.lastIndexOf('/') + 1)
    if (SKIP_CONFIGS.has(base)) continue
    if (configsChecked >= limits.maxConfigs) break
    configsChecked++
    const r = readText(f.path, limits.maxConfigBytes)
    if (r.text === undefined) {
      add({ ruleId: 'config.invalid', message: `${f.rel}: not read (${r.error})` }, f, f.rel)
      continue
    }
    const isJson = base.toLowerCase().endsWith('.json')
    if (isJson && /"(auto_map|custom_pipelines|_class_name|type)"/.test(r.text)) {
      try {
        refs.push(...codeReferences(f.rel, JSON.parse(r.text)))
      } catch {
        // Reported below by the instantiation check's parse of the same text.
      }
    }
    const c = checkConfigText(r.text, isJson ? 'json' : 'yaml', {
      where: f.rel,
      customModules,
      text: r.text,
    })
    // A config that is not valid JSON matters only when it could hold an entry.
    for (const x of c.findings) add(x, f, f.rel)
    for (const x of c.findings) {
      if (x.ruleId !== 'config.instantiation-custom-code' || !x.callable) continue
      const mod = x.callable.split('.').slice(0, -1).join('.')
      if (mod) refs.push({ config: f.rel, key: '_target_', module: mod, baseDir: '' })
    }
  }

  // 2. Custom code: referenced modules, then their relative imports, breadth first.
  const entries = new Map<string, { present: boolean; by: Set<string>; remoteRepo?: string }>()
  const queue: string[] = []
  for (const r of refs) {
    const by = `${r.config} ${r.key}`
    if (r.remoteRepo !== undefined) {
      const key = `${r.remoteRepo}--${r.module}`
      const e = entries.get(key) ?? { present: false, by: new Set(), remoteRepo: r.remoteRepo }
      e.by.add(by)
      entries.set(key, e)
      continue
    }
    const candidates = moduleFiles(r.baseDir, r.module)
    const hit = candidates.find((c) => byRel.has(c))
    const key = hit ?? candidates[0]!
    const e = entries.get(key) ?? { present: hit !== undefined, by: new Set() }
    e.by.add(by)
    entries.set(key, e)
    if (hit && !queue.includes(hit)) queue.push(hit)
  }
  const checked: string[] = []
  for (let qi = 0; qi < queue.length && checked.length < limits.maxCodeFiles; qi++) {
    const rel = queue[qi]!
    const f = byRel.get(rel)!
    checked.push(rel)
    const r = readText(f.path, limits.maxCodeBytes)
    if (r.text === undefined) {
      add(
        { ruleId: 'repo.custom-code-unreadable', message: `${rel}: not read (${r.error})` },
        f,
        rel,
      )
      continue
    }
    const a = analyzePython(r.text)
    for (const h of a.hits) {
      add(
        {
          ruleId: BEHAVIOUR_RULE[h.behaviour],
          severity: h.severity,
          message: `${rel}:${h.line} ${h.detail}`,
          callable: h.call,
          line: h.line,
        },
        f,
        rel,
      )
    }
    if (a.truncated) {
      add(
        { ruleId: 'repo.custom-code-unreadable', message: `${rel}: too many tokens; read partly` },
        f,
        rel,
      )
    }
    for (const spec of a.relativeImports) {
      const next = relativeImportFiles(rel, spec).find((c) => byRel.has(c))
      if (next && !queue.includes(next)) {
        queue.push(next)
        const e = entries.get(next) ?? { present: true, by: new Set() }
        e.by.add(`${rel} import ${spec}`)
        entries.set(next, e)
      }
    }
  }

  const customCode: CustomCodeEntry[] = [...entries].map(([file, e]) => ({
    file,
    present: e.present,
    referencedBy: [...e.by].slice(0, 20),
    ...(e.remoteRepo !== undefined ? { remoteRepo: e.remoteRepo } : {}),
  }))
  const needsTrustRemoteCode = refs.length > 0
  if (needsTrustRemoteCode) {
    const present = customCode.filter((c) => c.present).map((c) => c.file)
    const first = refs[0]!
    add(
      {
        ruleId: 'repo.custom-code',
        message: `Loading needs trust_remote_code=True: ${first.config} ${first.key} runs ${
          present.length > 0 ? present.slice(0, 10).join(', ') : 'code not in this folder'
        }${present.length > 10 ? ` and ${present.length - 10} more` : ''}`,
      },
      byRel.get(first.config),
      first.config,
    )
  }
  for (const c of customCode) {
    if (c.remoteRepo !== undefined) {
      add(
        {
          ruleId: 'repo.remote-code-reference',
          message: `${[...c.referencedBy][0]} loads code from the repository ${c.remoteRepo} (${c.file})`,
        },
        undefined,
        c.referencedBy[0]!.split(' ')[0]!,
      )
    } else if (!c.present) {
      add(
        {
          ruleId: 'repo.custom-code-missing',
          message: `${[...c.referencedBy][0]} names ${c.file}, which is not in the repository`,
        },
        undefined,
        c.referencedBy[0]!.split(' ')[0]!,
      )
    }
  }
  return {
    root,
    needsTrustRemoteCode,
    customCode,
    codeFilesChecked: checked,
    configsChecked,
    findings,
    verdict: verdictOf(
      findings.map((f) => f.severity),
      false,
    ),
  }
}

/** Folders a repository listing never descends into. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.cache'])

/**
 * Lists a folder as a repository (bounded; directory symlinks not followed, file symlinks
 * resolved by the reads). Used by `scan-model DIR` and the crawl's model-folder analyzer.
 */
export function listRepositoryFiles(
  dir: string,
  opts: Readonly<{ maxFiles?: number; maxDepth?: number }> = {},
): RepoFile[] {
  const maxFiles = opts.maxFiles ?? 20_000
  const maxDepth = opts.maxDepth ?? 6
  const out: RepoFile[] = []
  const visit = (abs: string, rel: string, depth: number): void => {
    let entries
    try {
      entries = readdirSync(abs, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (out.length >= maxFiles) return
      const p = join(abs, e.name)
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        if (depth < maxDepth && !SKIP_DIRS.has(e.name)) visit(p, r, depth + 1)
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push({ rel: r, path: p, size: 0 })
      }
    }
  }
  visit(dir, '', 0)
  return out
}
