import { describe, expect, it } from 'vitest'
import { createSecretScanner, SECRET_RULE_DEFS } from '../../../src/core/secrets'
import {
  AGENT_ENV_NAMES,
  AGENT_KEY_MAKERS,
  agentDecoys,
} from '../../fixtures/generators/secrets/agent-keys'
import { makeRng } from '../../fixtures/generators/secrets/keys'

const scanner = createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(9) })
const AGENT_ROWS = SECRET_RULE_DEFS.filter((r) => r.scope === 'agent')
const at = { path: '/home/u/.cursor/mcp.json', kind: 'json' as const, line: 12 }

describe('agent-scope rows: credentials handed to AI agents', () => {
  it('cover the services agents are given keys for, each with a generator', () => {
    const providers = new Set(AGENT_ROWS.map((r) => r.provider))
    for (const p of [
      'GitHub',
      'GitLab',
      'Slack',
      'Notion',
      'Linear',
      'Atlassian',
      'Stripe',
      'Brave Search',
      'Serper',
      'Exa',
      'Firecrawl',
      'Browserbase',
      'Supabase',
      'PostgreSQL',
      'MySQL',
    ])
      expect(providers, p).toContain(p)
    for (const r of AGENT_ROWS) expect(Object.keys(AGENT_KEY_MAKERS), r.id).toContain(r.id)
  })

  for (const id of Object.keys(AGENT_KEY_MAKERS)) {
    it(`${id}: found in a value handed to an agent, attributed, never echoed`, () => {
      const key = AGENT_KEY_MAKERS[id]!(makeRng(id.length * 104729))
      const hits = scanner.scanNamedValue(AGENT_ENV_NAMES[id]!, key, at)
      expect(hits.map((h) => h.detector)).toEqual([id])
      const rule = AGENT_ROWS.find((r) => r.id === id)!
      expect(hits[0]).toMatchObject({
        provider: rule.provider,
        ruleId: 'secret.agent-credential',
        line: 12,
        where: 'config',
      })
      expect(hits[0]!.fingerprint).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(hits)).not.toContain(key)
      // The same text in a project's own files is not an AI asset: the AI rows do not match it.
      const inDotenv = scanner.scanText(`${AGENT_ENV_NAMES[id]}=${key}\n`, {
        path: '/home/u/app/.env',
        kind: 'dotenv',
      })
      expect(inDotenv).toEqual([])
      // An AI tool's own credential file holds what it hands its agents: agent rows apply there.
      const inToolFile = scanner.scanText(`${AGENT_ENV_NAMES[id]}: "${key}"\n`, {
        path: '/home/u/.config/goose/secrets.yaml',
        kind: 'tool-credentials',
      })
      expect(inToolFile.map((h) => h.detector)).toEqual([id])
    })
  }

  it('a connection URL is previewed by scheme, user and host, never the password', () => {
    const url = AGENT_KEY_MAKERS['postgres-url']!(makeRng(5))
    const [hit] = scanner.scanNamedValue('DATABASE_URL', url, at)
    const password = /:([^:@/]+)@/.exec(url.slice('postgresql://'.length))![1]!
    expect(hit!.redacted).toMatch(/^postgresql:\/\/app_rw:…@db-[a-z0-9]{6}\.internal:5432$/)
    expect(hit!.redacted).not.toContain(password.slice(-4))
    expect(hit!.label).toBe('connection URL')
  })

  it('flags no placeholder, reference, public key or password-less URL', () => {
    const flagged = agentDecoys(makeRng(77)).filter(
      ([name, value]) => scanner.scanNamedValue(name, value, at).length > 0,
    )
    expect(flagged).toEqual([])
  })
})

describe('named values no row recognises', () => {
  const opaque = 'q7Xv2LmN9pR4sT8wZ1yB6cD3fG5hJ0kA'

  it('are a generic secret under a key-ish name when they look random', () => {
    const [hit] = scanner.scanNamedValue('INTERNAL_API_TOKEN', opaque, at)
    expect(hit).toMatchObject({
      ruleId: 'secret.agent-credential',
      detector: 'generic-named-value',
      provider: 'generic',
      severity: 'medium',
      line: 12,
    })
    expect(hit!.redacted).toBe(`…${opaque.slice(-4)}`)
    // A header value is fingerprinted without its auth scheme: the same token matches either way.
    const [bearer] = scanner.scanNamedValue('Authorization', `Bearer ${opaque}`, at)
    expect(bearer!.fingerprint).toBe(hit!.fingerprint)
  })

  it('are not secrets under a neutral name, or when they are words, paths, URLs or numbers', () => {
    expect(scanner.scanNamedValue('WORKSPACE', opaque, at)).toEqual([])
    for (const v of [
      'my-service-name-for-prod',
      '/home/u/.config/app/key.pem',
      'https://api.example.com/v1/token',
      '12345678901234567890',
      'sk-your-key-here-please-1',
    ])
      expect(scanner.scanNamedValue('SERVICE_TOKEN', v, at), v).toEqual([])
  })

  it('are attributed to the platform whose profile holds them', () => {
    const [hit] = scanner.scanNamedValue('token', 'dapi-not-a-known-shape-9f8e7d', {
      ...at,
      platform: 'Databricks',
    })
    expect(hit).toMatchObject({ provider: 'Databricks', detector: 'platform-credential' })
    expect(
      scanner.scanNamedValue('token', '${DATABRICKS_TOKEN}', { ...at, platform: 'X' }),
    ).toEqual([])
  })
})
