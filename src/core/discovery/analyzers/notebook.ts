import { basename, dirname, join } from 'node:path'
import { assetIdFor } from '../../util/ids'
import { isFile, readTextBounded } from '../../util/fs'
import { RULES_VERSION } from '../../rules'
import type { SecretHit } from '../../secrets/index'
import { SECRET_HITS_STAMP } from '../../secrets/pass'
import type { AssetLink, DetailValue, NewFinding, SkippedEntry } from '../../types'
import type { DiscoveryContext, FileAnalyzer } from '../types'
import { findCachedHfRepo } from '../stores/huggingface/locations'
import { findOllamaModel } from '../stores/ollama'
import { analyzeCode } from './notebook/code-checks'
import type { ParsedNotebook } from './notebook/parse'
import { InvalidNotebook, MAX_NOTEBOOK_DEPTH, parseNotebook } from './notebook/parse'
import { emitNotebookSecrets, scanNotebookSecrets } from './notebook/secrets'

/** Notebooks bigger than this (mostly embedded images/output) are skipped with a reason. */
export const NOTEBOOK_MAX_BYTES = 20 * 1024 * 1024

const CHECKPOINT_DIR = '.ipynb_checkpoints'
const CHECKPOINT_SUFFIX = '-checkpoint.ipynb'

/** `<dir>/.ipynb_checkpoints/<stem>-checkpoint.ipynb` → `<dir>/<stem>.ipynb`, else undefined. */
export function checkpointMain(path: string): string | undefined {
  const dir = dirname(path)
  const name = basename(path)
  if (basename(dir) !== CHECKPOINT_DIR || !name.endsWith(CHECKPOINT_SUFFIX)) return undefined
  return join(dirname(dir), name.slice(0, -CHECKPOINT_SUFFIX.length) + '.ipynb')
}

function checkpointFor(path: string): string {
  return join(dirname(path), CHECKPOINT_DIR, basename(path, '.ipynb') + CHECKPOINT_SUFFIX)
}

async function readBounded(
  ctx: DiscoveryContext,
  path: string,
): Promise<{ text: string; size: number } | undefined> {
  const r = await readTextBounded(path, NOTEBOOK_MAX_BYTES)
  switch (r.kind) {
    case 'ok':
      return { text: r.text, size: r.size }
    case 'missing':
      return undefined
    case 'too-large':
      ctx.emitSkipped({
        path,
        reason: 'too-large',
        message: `notebook is ${r.size} bytes, over the ${NOTEBOOK_MAX_BYTES}-byte cap`,
      })
      return undefined
    case 'error':
      ctx.emitSkipped(r.skip)
      return undefined
  }
}

/**
 * One notebook asset per notebook. Its `.ipynb_checkpoints` copy is not a separate asset: the main
 * notebook lists it (details.checkpoints) and reports only the secrets that the copy holds and the
 * notebook no longer does. A checkpoint whose notebook is gone is reported on its own with
 * details.checkpointOf, since it is then the only copy.
 */
async function analyzeNotebook(path: string, ctx: DiscoveryContext): Promise<void> {
  const main = checkpointMain(path)
  if (main && (await isFile(main))) return // handled (and claimed) with its main notebook
  const digest = (await ctx.memo.remember(path, NOTEBOOK_MEMO, () => digestNotebook(ctx, path)))
    .value
  if (!digest) {
    // The notebook itself could not be read (over the size cap, unreadable): its checkpoint may
    // still hold the keys it once had, and is then the only copy anyone can check.
    if (!main) await checkpointSecrets(ctx, path, new Set())
    return
  }
  const assetId = assetIdFor('notebook', path)
  for (const k of digest.skips) ctx.emitSkipped(k)
  const hits = digest.secretHits
  const links: AssetLink[] = emitNotebookSecrets(ctx, path, hits)
  const checkpoints: string[] = []
  if (!main) {
    const cp = await checkpointSecrets(ctx, path, new Set(hits.map((h) => h.fingerprint)))
    if (cp) {
      checkpoints.push(cp.path)
      links.push(...cp.links)
    }
  }
  // Links to cached models and datasets depend on what is installed now: looked up every scan.
  for (const id of digest.refs.hfModelIds) {
    const cached = await findCachedHfRepo(ctx, id)
    if (cached) links.push({ to: cached.assetId, relation: 'references-model' })
  }
  for (const ref of digest.refs.ollamaModels) {
    const found = await findOllamaModel(ctx, ref)
    if (found) links.push({ to: found.assetId, relation: 'references-model' })
  }
  for (const id of digest.refs.datasetIds) {
    const cached = await findCachedHfRepo(ctx, id, 'dataset')
    if (cached) links.push({ to: cached.assetId, relation: 'references-dataset' })
  }
  const details: Record<string, DetailValue> = { ...digest.details }
  if (checkpoints.length > 0) details.checkpoints = checkpoints
  if (main) {
    details.checkpointOf = main
    details.orphanCheckpoint = true
  }
  details.secretCount = links.filter((l) => l.relation === 'contains-secret').length
  ctx.emitAsset({
    kind: 'notebook',
    path,
    name: basename(path),
    format: 'ipynb',
    sizeBytes: digest.size,
    source: 'crawl',
    ...(digest.invalid ? { verdict: 'invalid' as const } : {}),
    details,
    links,
  })
  for (const f of digest.findings) ctx.emitFinding({ ...f, path, assetId })
}

/**
 * Keys in a notebook's `.ipynb_checkpoints` copy that the notebook no longer holds (`known`: the
 * notebook's own key fingerprints): a key deleted from a notebook survives in its last checkpoint,
 * in code and in outputs alike. Reported at the checkpoint's path; returns the links for the
 * notebook asset.
 */
async function checkpointSecrets(
  ctx: DiscoveryContext,
  notebook: string,
  known: ReadonlySet<string>,
): Promise<{ path: string; links: AssetLink[] } | undefined> {
  const cp = checkpointFor(notebook)
  if (!(await isFile(cp))) return undefined
  const found = (await ctx.memo.remember(cp, CHECKPOINT_MEMO, () => digestCheckpoint(ctx, cp)))
    .value
  if (!found) return undefined
  ctx.claimFile(cp)
  for (const k of found.skips) ctx.emitSkipped(k)
  const extra = found.secretHits.filter((h) => !known.has(h.fingerprint))
  return { path: cp, links: emitNotebookSecrets(ctx, cp, extra) }
}

/** Remembered notebook facts are valid for one rules version (see rules/version.ts). */
const NOTEBOOK_MEMO = { ns: 'notebook', version: `${RULES_VERSION}.${SECRET_HITS_STAMP}` }
const CHECKPOINT_MEMO = { ns: 'notebook-checkpoint-secrets', version: SECRET_HITS_STAMP }

/** Everything the notebook analysis derives from a notebook's bytes alone. */
type NotebookDigest = Readonly<{
  size: number
  /** The file is not a valid notebook (JSON, nesting or structure): the asset's verdict. */
  invalid: boolean
  details: Record<string, DetailValue>
  refs: Readonly<{ hfModelIds: string[]; ollamaModels: string[]; datasetIds: string[] }>
  findings: Omit<NewFinding, 'path' | 'assetId'>[]
  secretHits: SecretHit[]
  skips: SkippedEntry[]
}>

/** Collects what scanNotebookSecrets would emit as skipped, so it is remembered with the hits. */
function collecting(ctx: DiscoveryContext, skips: SkippedEntry[]): DiscoveryContext {
  return { ...ctx, emitSkipped: (s) => skips.push(s) }
}

async function digestNotebook(
  ctx: DiscoveryContext,
  path: string,
): Promise<NotebookDigest | undefined> {
  const read = await readBounded(ctx, path)
  if (!read) return undefined
  const skips: SkippedEntry[] = []
  let parsed: ParsedNotebook | undefined
  let parseError: string | undefined
  let tooDeep = false
  try {
    parsed = parseNotebook(read.text)
  } catch (e) {
    parseError = (e as Error).message
    tooDeep = parseError.includes(`deeper than ${MAX_NOTEBOOK_DEPTH}`)
    skips.push({
      path,
      reason: 'unreadable',
      message:
        e instanceof InvalidNotebook
          ? `not a valid notebook: ${parseError}`
          : `not valid notebook JSON: ${parseError}`,
    })
  }
  // JSON nested too deep is not walked as JSON again (the secret scan's JSON visitor recurses):
  // its keys are still found as plain text.
  const secretHits = scanNotebookSecrets(collecting(ctx, skips), read.text, path, tooDeep)
  const facts = parsed ? analyzeCode(parsed.cells) : undefined
  const details: Record<string, DetailValue> = {}
  if (parsed) {
    details.kernel = parsed.kernel.name ?? null
    details.kernelDisplayName = parsed.kernel.displayName ?? null
    details.language = parsed.kernel.language ?? null
    details.nbformat = parsed.nbformat ?? null
    details.cellCount = parsed.cells.length
    details.codeCellCount = parsed.cells.filter((c) => c.type === 'code').length
  }
  if (facts) {
    details.libraries = facts.libraries
    details.modelIds = facts.hfModelIds
    details.providerModels = facts.providerModels
    details.ollamaModels = facts.ollamaModels
    details.datasetIds = facts.datasetIds
    details.pipInstallUrls = facts.pipInstalls.slice(0, 50)
  }
  if (parseError) details.parseError = parseError
  const findings: Omit<NewFinding, 'path' | 'assetId'>[] = (facts?.hits ?? []).map((h) => {
    const cell = parsed?.cells.find((c) => c.index === h.cell)
    return {
      ruleId: h.ruleId,
      severity: h.severity,
      message: `Cell ${h.cell + 1}, line ${h.cellLine + 1}: ${h.message}`,
      line: cell?.fileLines[h.cellLine],
    }
  })
  // A file that does not parse as a notebook is reported, not listed as a clean empty notebook.
  if (parseError)
    findings.push({ ruleId: 'notebook.invalid', message: `Not a valid notebook: ${parseError}` })
  return {
    size: read.size,
    invalid: parseError !== undefined,
    details,
    refs: {
      hfModelIds: facts?.hfModelIds ?? [],
      ollamaModels: facts?.ollamaModels ?? [],
      datasetIds: facts?.datasetIds ?? [],
    },
    findings,
    secretHits,
    skips,
  }
}

async function digestCheckpoint(
  ctx: DiscoveryContext,
  cp: string,
): Promise<Pick<NotebookDigest, 'secretHits' | 'skips'> | undefined> {
  const read = await readBounded(ctx, cp)
  if (!read) return undefined
  const skips: SkippedEntry[] = []
  return { secretHits: scanNotebookSecrets(collecting(ctx, skips), read.text, cp), skips }
}

export const NOTEBOOK_ANALYZER: FileAnalyzer = {
  id: 'notebook',
  extensions: ['.ipynb'],
  analyze: analyzeNotebook,
}
