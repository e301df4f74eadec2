import { promises as fsp } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { sha256File } from '../../../util/hash'
import type { AssetLink, DetailValue, Verdict } from '../../../types'
import type { DiscoveryContext } from '../../types'
import {
  ABSENT_ONLY,
  isInside,
  listDir,
  lstatQuiet,
  readJsonBounded,
  readTextOrSkip,
  statQuiet,
  WALK_MAX_ENTRIES,
} from '../../../util/fs'
import { analyzeRepository } from '../../../scanners/repo/analyze-repo'
import type { RepositoryReport } from '../../../scanners/repo/analyze-repo'
import { repositoryDetails } from '../../../scanners/repo/report'
import { worstVerdict } from '../folder-store'
import { emitRepositoryFindings } from '../model-repository'
import type { HfRepoType } from './locations'
import { findCachedHfRepo, hfAssetKind, hfRepoAssetId, parseRepoFolder } from './locations'
import type { RepoFile } from './repo-parts'
import { scanRepoParts, snapshotPath } from './repo-parts'
import { claimedOrUnder, isRecord, str } from '../store-kit'
import { isScannableModelFile } from '../weight-files'

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
    for (const e of await listDir(ctx, dir, ABSENT_ONLY)) {
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
    for (const e of await listDir(ctx, dir, ABSENT_ONLY)) {
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
  for (const e of await listDir(ctx, join(repoDir, 'blobs'), ABSENT_ONLY)) {
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
  for (const s of await listDir(ctx, join(dir, 'snapshots'), ABSENT_ONLY)) {
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
  assetId: string,
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
        assetId,
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
 * identity = that path), whatever the number of revisions, snapshot links and weight files: the
 * files are its parts (repo-parts.ts). Each distinct blob a scanner reads is scanned once
 * (knownSha256 = the LFS blob name) and its verdict, digest and findings are the repo's.
 */
export async function scanHubCache(ctx: DiscoveryContext, hubDir: string): Promise<void> {
  const repos: RepoScan[] = []
  for (const e of await listDir(ctx, hubDir, ABSENT_ONLY)) {
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
  // Unique targets across all revisions: a blob shared by two revisions is one part, scanned once,
  // named as the current revision names it.
  const byTarget = new Map<string, { names: string[]; commits: string[]; size: number }>()
  for (const rev of [...(current ? [current] : []), ...repo.revisions.filter((r) => r !== current)])
    for (const f of rev.files) {
      const t = byTarget.get(f.target) ?? { names: [], commits: [], size: f.size }
      if (!t.names.includes(f.rel)) t.names.push(f.rel)
      if (!t.commits.includes(rev.commit)) t.commits.push(rev.commit)
      byTarget.set(f.target, t)
    }
  const files: RepoFile[] = []
  for (const [target, t] of byTarget) {
    const name = t.names[0]!
    // Verification rehashes what the scanners read; other files keep the digest they are named after.
    const knownSha256 = isScannableModelFile(name)
      ? await knownDigest(ctx, target, repo.repoId, repoAssetId)
      : SHA256_HEX.test(basename(target))
        ? basename(target)
        : undefined
    files.push({
      name,
      path: snapshotPath(repo.dir, t.commits[0]!, name),
      target,
      size: t.size,
      commits: t.commits,
      knownSha256,
    })
  }
  const parts = await scanRepoParts(ctx, repo.type, files)
  const facts =
    repo.type === 'model' ? await modelFacts(ctx, repo.repoId, current) : { details: {}, links: [] }
  // Repository-level checks of the current revision: the custom code its configs make
  // transformers run (trust_remote_code) and config instantiation entries.
  const repoReport =
    repo.type === 'model' && current ? analyzeSnapshot(repo.dir, current) : undefined
  const verdict = worstVerdict(
    [parts.verdict, repoReport?.verdict].filter((v): v is Verdict => v !== undefined),
  )
  const uniqueBytes = [...byTarget.values()].reduce((n, t) => n + t.size, 0)
  const diskBytes = Math.max(repo.blobBytes, uniqueBytes)
  const assetId = ctx.emitAsset({
    kind: hfAssetKind(repo.type),
    path: repo.dir,
    name: repo.repoId,
    version: current?.commit,
    format: parts.format,
    sha256: parts.sha256,
    source: HF_SOURCE,
    verdict,
    sizeBytes: diskBytes,
    details: {
      ...(repo.type === 'model' ? partMetadata(parts.metadata) : {}),
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
      parts: parts.records,
      partCount: parts.count,
      formats: parts.formats,
      diskBytes,
      storeRoot: hubDir,
      storeTotalBytes,
      ...facts.details,
      ...(repoReport ? repositoryDetails(repoReport) : {}),
    },
    links: facts.links,
  })
  for (const f of parts.findings) ctx.emitFinding({ ...f, assetId })
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

/** Scanner metadata of a one-file model, as details of the repo (config.json facts override it). */
function partMetadata(
  m: Readonly<Record<string, unknown>> | undefined,
): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {}
  for (const [k, v] of Object.entries(m ?? {}))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[]
  return out
}
