import { promises as fsp } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { sha256File } from '../../../util/hash'
import type { AssetLink, DetailValue, Verdict } from '../../../types'
import type { DiscoveryContext } from '../../types'
import { worstVerdict } from '../folder-store'
import { isInside, lstatQuiet, readTextOrSkip, statQuiet } from '../../../util/fs'
import {
  claimedOrUnder,
  isRecord,
  isScannableModelFile,
  readJsonBounded,
  readdirSafe,
  str,
  WALK_MAX_ENTRIES,
} from '../fs-util'
import { analyzeRepository } from '../../../scanners/repo/analyze-repo'
import type { RepositoryReport } from '../../../scanners/repo/analyze-repo'
import { repositoryDetails } from '../../../scanners/repo/report'
import { emitRepositoryFindings } from '../model-repository'
import type { HfRepoType } from './locations'
import { findCachedHfRepo, hfAssetKind, hfRepoAssetId, parseRepoFolder } from './locations'

export const HF_SOURCE = 'huggingface-cache'
const SHA256_HEX = /^[0-9a-f]{64}$/
const COMMIT = /^[0-9a-f]{40}$/
/** Files listed per revision in details (the count is always exact). */
const MAX_LISTED_FILES = 200

/** One file of one snapshot, resolved to the blob (or the copied file on Windows). */
type SnapshotFile = Readonly<{ rel: string; target: string; size: number }>

type Revision = Readonly<{ commit: string; refs: string[]; files: SnapshotFile[] }>

type RepoScan = Readonly<{
  dir: string
  type: HfRepoType
  repoId: string
  revisions: Revision[]
  refs: Record<string, string>
  blobBytes: number
}>

async function readRefs(ctx: DiscoveryContext, repoDir: string): Promise<Record<string, string>> {
  const refs: Record<string, string> = {}
  const visit = async (dir: string, prefix: string, depth: number): Promise<void> => {
    for (const e of await readdirSafe(ctx, dir)) {
      const p = join(dir, e.name)
      if (e.isDirectory() && depth < 3) await visit(p, `${prefix}${e.name}/`, depth + 1)
      else if (e.isFile()) {
        const commit = (await readTextOrSkip(ctx, p, 1024))?.trim()
        if (commit && COMMIT.test(commit)) refs[`${prefix}${e.name}`] = commit
      }
    }
  }
  await visit(join(repoDir, 'refs'), '', 0)
  return refs
}

/** Lists a snapshot, resolving each symlink to its blob; broken or escaping links are findings. */
async function readSnapshot(
  ctx: DiscoveryContext,
  repoDir: string,
  snapDir: string,
): Promise<SnapshotFile[]> {
  const out: SnapshotFile[] = []
  const blobs = join(repoDir, 'blobs')
  let seen = 0
  const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
    for (const e of await readdirSafe(ctx, dir)) {
      if (++seen > WALK_MAX_ENTRIES) return
      const p = join(dir, e.name)
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        if (depth < 8) await visit(p, r, depth + 1)
      } else if (e.isSymbolicLink()) {
        let target: string
        try {
          target = resolve(dirname(p), await fsp.readlink(p))
        } catch {
          continue
        }
        const st = await statQuiet(target)
        if (!st?.isFile() || !isInside(target, repoDir)) {
          ctx.emitFinding({
            ruleId: 'store.hf-broken-link',
            message: `Snapshot file ${r} links to ${isInside(target, blobs) ? 'a missing blob' : `${target}, outside the cache`}`,
            path: p,
          })
          continue
        }
        out.push({ rel: r, target, size: st.size })
      } else if (e.isFile()) {
        // Windows without symlink rights copies files into the snapshot.
        const st = await statQuiet(p)
        if (st) out.push({ rel: r, target: p, size: st.size })
      }
    }
  }
  await visit(snapDir, '', 0)
  return out
}

async function blobBytes(ctx: DiscoveryContext, repoDir: string): Promise<number> {
  let n = 0
  for (const e of await readdirSafe(ctx, join(repoDir, 'blobs'))) {
    if (e.isFile()) n += (await lstatQuiet(join(repoDir, 'blobs', e.name)))?.size ?? 0
  }
  return n
}

async function readRepo(
  ctx: DiscoveryContext,
  dir: string,
  type: HfRepoType,
  repoId: string,
): Promise<RepoScan> {
  const refs = await readRefs(ctx, dir)
  const revisions: Revision[] = []
  for (const s of await readdirSafe(ctx, join(dir, 'snapshots'))) {
    if (!s.isDirectory()) continue
    const files = await readSnapshot(ctx, dir, join(dir, 'snapshots', s.name))
    const names = Object.entries(refs)
      .filter(([, c]) => c === s.name)
      .map(([r]) => r)
    revisions.push({ commit: s.name, refs: names, files })
  }
  return { dir, type, repoId, revisions, refs, blobBytes: await blobBytes(ctx, dir) }
}

/** Rehashes an LFS blob when verification is on; a mismatch is the `store.hf-blob-tampered` finding. */
async function knownDigest(
  ctx: DiscoveryContext,
  target: string,
  repoId: string,
): Promise<string | undefined> {
  const name = basename(target)
  if (!SHA256_HEX.test(name)) return undefined
  if (!ctx.verifyDigests) return name
  try {
    const actual = await sha256File(target, undefined, ctx.signal)
    if (actual !== name)
      ctx.emitFinding({
        ruleId: 'store.hf-blob-tampered',
        message: `Blob of ${repoId} hashes to ${actual}, not the ${name} it is named after`,
        path: target,
      })
    return actual
  } catch {
    return undefined
  }
}

function purlFor(repoId: string, commit: string | undefined): string {
  const at = commit ? `@${commit}` : ''
  return `pkg:huggingface/${repoId}${at}`
}

/** Reads config.json / adapter_config.json of the chosen revision for display details. */
async function modelFacts(
  ctx: DiscoveryContext,
  repoId: string,
  rev: Revision | undefined,
): Promise<{ details: Record<string, DetailValue>; links: AssetLink[] }> {
  const details: Record<string, DetailValue> = {}
  const links: AssetLink[] = []
  const file = (n: string) => rev?.files.find((f) => f.rel === n)
  const cfgFile = file('config.json')
  const cfg = cfgFile ? await readJsonBounded(ctx, cfgFile.target) : undefined
  if (cfg?.ok && isRecord(cfg.value)) {
    const c = cfg.value
    if (str(c.model_type)) details.modelType = str(c.model_type) ?? null
    if (Array.isArray(c.architectures))
      details.architectures = c.architectures.filter((a): a is string => typeof a === 'string')
    const q = isRecord(c.quantization)
      ? c.quantization
      : isRecord(c.quantization_config)
        ? c.quantization_config
        : undefined
    if (q) {
      if (typeof q.bits === 'number') details.quantization = `${q.bits}-bit`
      else if (str(q.quant_method)) details.quantization = str(q.quant_method) ?? null
      // mlx_lm writes `quantization: {group_size, bits}`; transformers writes quantization_config.
      if (isRecord(c.quantization) && typeof q.group_size === 'number') details.framework = 'mlx'
    }
    if (c.auto_map !== undefined) details.customCode = true
  }
  if (repoId.startsWith('mlx-community/')) details.framework = 'mlx'
  const adapterFile = file('adapter_config.json')
  const adapter = adapterFile ? await readJsonBounded(ctx, adapterFile.target) : undefined
  if (adapter?.ok && isRecord(adapter.value)) {
    details.adapter = str(adapter.value.peft_type) ?? 'peft'
    const base = str(adapter.value.base_model_name_or_path)
    if (base) {
      details.baseModel = base
      const cached = await findCachedHfRepo(ctx, base)
      if (cached) links.push({ to: cached.assetId, relation: 'adapter-of' })
    }
  }
  return { details, links }
}

/**
 * One hub cache. Each repo folder gives ONE asset (kind model or dataset, path = the repo folder,
 * identity = that path), whatever the number of revisions and snapshot links. Each distinct blob
 * holding weights or a chat template is scanned once through ctx.addModel (identity = the blob
 * path, knownSha256 = the LFS blob name) and linked to the repo asset, so verdicts and digests are
 * stored per file while the repo appears once.
 */
export async function scanHubCache(ctx: DiscoveryContext, hubDir: string): Promise<void> {
  const repos: RepoScan[] = []
  for (const e of await readdirSafe(ctx, hubDir)) {
    if (!e.isDirectory()) continue
    const parsed = parseRepoFolder(e.name)
    if (!parsed || parsed.type === 'space') continue
    const dir = join(hubDir, e.name)
    if (claimedOrUnder(ctx, dir)) continue
    repos.push(await readRepo(ctx, dir, parsed.type, parsed.repoId))
  }
  if (repos.length === 0) return
  ctx.claimDir(hubDir)
  const storeTotalBytes = repos.reduce((n, r) => n + r.blobBytes, 0)
  for (const repo of repos) {
    if (ctx.signal?.aborted) return
    await emitRepo(ctx, repo, hubDir, storeTotalBytes)
  }
}

async function emitRepo(
  ctx: DiscoveryContext,
  repo: RepoScan,
  hubDir: string,
  storeTotalBytes: number,
): Promise<void> {
  const repoAssetId = hfRepoAssetId(repo.dir, repo.type)
  const current =
    repo.revisions.find((r) => r.refs.includes('main')) ??
    repo.revisions.find((r) => r.refs.length > 0) ??
    repo.revisions[0]
  // Unique targets across all revisions: a blob shared by two revisions is scanned once.
  const byTarget = new Map<string, { names: Set<string>; commits: Set<string>; size: number }>()
  for (const rev of repo.revisions)
    for (const f of rev.files) {
      const t = byTarget.get(f.target) ?? { names: new Set(), commits: new Set(), size: f.size }
      t.names.add(f.rel)
      t.commits.add(rev.commit)
      byTarget.set(f.target, t)
    }
  const links: AssetLink[] = []
  const verdicts: Verdict[] = []
  const weightFiles: string[] = []
  if (repo.type === 'model') {
    for (const [target, t] of byTarget) {
      const names = [...t.names]
      if (!names.some(isScannableModelFile)) continue
      const knownSha256 = await knownDigest(ctx, target, repo.repoId)
      const added = await ctx.addModel(target, {
        source: HF_SOURCE,
        name: `${repo.repoId}/${names[0]}`,
        version: current?.commit,
        knownSha256,
        fileName: basename(names[0]!),
        details: {
          repoId: repo.repoId,
          files: names,
          revisions: [...t.commits],
          blob: basename(target),
        },
        links: [{ to: repoAssetId, relation: 'part-of' }],
      })
      links.push({ to: added.assetId, relation: 'has-file' })
      verdicts.push(added.verdict)
      weightFiles.push(...names)
    }
  }
  const facts =
    repo.type === 'model' ? await modelFacts(ctx, repo.repoId, current) : { details: {}, links: [] }
  // Repository-level checks of the current revision: the custom code its configs make
  // transformers run (trust_remote_code) and config instantiation entries.
  const repoReport =
    repo.type === 'model' && current ? analyzeSnapshot(repo.dir, current) : undefined
  if (repoReport) verdicts.push(repoReport.verdict)
  const uniqueBytes = [...byTarget.values()].reduce((n, t) => n + t.size, 0)
  const assetId = ctx.emitAsset({
    kind: hfAssetKind(repo.type),
    path: repo.dir,
    name: repo.repoId,
    version: current?.commit,
    source: HF_SOURCE,
    verdict: repo.type === 'model' ? worstVerdict(verdicts) : undefined,
    // Model bytes are counted on the blob assets; a dataset repo has no file assets of its own.
    sizeBytes: repo.type === 'dataset' ? Math.max(repo.blobBytes, uniqueBytes) : undefined,
    details: {
      repoId: repo.repoId,
      repoType: repo.type,
      purl: purlFor(repo.repoId, current?.commit),
      refs: repo.refs,
      revisions: repo.revisions.map((r) => ({
        commit: r.commit,
        refs: r.refs,
        fileCount: r.files.length,
        files: r.files.slice(0, MAX_LISTED_FILES).map((f) => ({ name: f.rel, size: f.size })),
      })),
      weightFiles: [...new Set(weightFiles)],
      diskBytes: Math.max(repo.blobBytes, uniqueBytes),
      storeRoot: hubDir,
      storeTotalBytes,
      ...facts.details,
      ...(repoReport ? repositoryDetails(repoReport) : {}),
    },
    links: [...links, ...facts.links],
  })
  if (repoReport) emitRepositoryFindings(ctx, repoReport, assetId)
}

/** Runs the repository analysis over one snapshot (files read through their snapshot links). */
function analyzeSnapshot(repoDir: string, rev: Revision): RepositoryReport {
  const snap = join(repoDir, 'snapshots', rev.commit)
  return analyzeRepository(
    snap,
    rev.files.map((f) => ({ rel: f.rel, path: join(snap, f.rel), size: f.size })),
  )
}
