import { join } from 'node:path'
import { baseDirs, envPath } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { parseIni, sanitizeHost } from './ini'
import { readConfig } from '../../../util/fs'

const ENV = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HF_ENDPOINT', 'HF_HOME']

/**
 * Hugging Face login: `$HF_HOME/token` (default ~/.cache/huggingface/token on every OS, or
 * $HF_TOKEN_PATH) holds the active token as bare text; `stored_tokens` (or $HF_STORED_TOKENS_PATH)
 * is INI with one section per saved token name. Legacy ~/.huggingface/token is read too. Only
 * names and presence are recorded; the token text goes through the secrets engine.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const hfHome = envPath(ctx, 'HF_HOME') ?? join(baseDirs(ctx).dotCache, 'huggingface')
  const tokenPaths = [
    envPath(ctx, 'HF_TOKEN_PATH') ?? join(hfHome, 'token'),
    join(ctx.home, '.huggingface', 'token'),
  ]
  const storedPath = envPath(ctx, 'HF_STORED_TOKENS_PATH') ?? join(hfHome, 'stored_tokens')
  const envKeys = presentEnvKeys(ctx, ENV)
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  const tokenFiles: string[] = []
  for (const p of [...new Set(tokenPaths)]) {
    const t = await readConfig(ctx, p, 64 * 1024)
    if (t === undefined || t.trim() === '') continue
    tokenFiles.push(p)
    // The file is the bare token: tell the engine so it can attribute it without a keyword.
    texts.push({ path: p, text: t, kind: 'hf-token' })
    const line = t.split(/\r?\n/).findIndex((l) => l.trim() !== '') + 1
    credentials.push({ path: p, line, key: 'token', value: t.trim() })
  }
  let storedTokenNames: string[] = []
  const stored = await readConfig(ctx, storedPath, 256 * 1024)
  if (stored !== undefined) {
    const ini = parseIni(stored)
    storedTokenNames = ini.sections.map((s) => s.name.slice(0, 100)).slice(0, 100)
    texts.push({ path: storedPath, text: stored, kind: 'hf-token' })
    for (const s of ini.sections) {
      const e = s.entries.get('hf_token')
      if (e && e.value !== '')
        credentials.push({
          path: storedPath,
          line: e.line,
          key: 'hf_token',
          profile: s.name,
          value: e.value,
        })
    }
    if (ini.sections.length === 0 && ini.bad > 0)
      ctx.emitSkipped({
        path: storedPath,
        reason: 'error',
        message: `not a valid INI file (${ini.bad} lines not understood)`,
      })
  }
  if (texts.length === 0 && envKeys.filter((k) => k !== 'HF_HOME').length === 0) return
  emitPlatform(ctx, {
    platform: 'huggingface',
    title: 'Hugging Face',
    path: tokenFiles[0] ?? (stored !== undefined ? storedPath : 'env:HF_TOKEN'),
    source: 'huggingface-login',
    details: {
      loggedIn:
        tokenFiles.length > 0 ||
        envKeys.includes('HF_TOKEN') ||
        envKeys.includes('HUGGING_FACE_HUB_TOKEN'),
      tokenFiles,
      storedTokenNames,
      endpoint: sanitizeHost(ctx.env.HF_ENDPOINT) ?? 'https://huggingface.co',
    },
    texts,
    credentials,
    envKeys,
  })
}

export const HUGGINGFACE_LOCATOR: Locator = {
  id: 'huggingface-login',
  title: 'Hugging Face login',
  locate,
}
