import { describe, expect, it } from 'vitest'
import { scrubDetails, scrubText } from '../../../src/core/secrets/scrub'
import { fakeOpenAiKey, seededChars } from '../../fixtures/generators/fake-home'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** A credential in no key rule's format: only its syntax gives it away. */
const token = (seed: number): string => seededChars(seed, 32, ALNUM)

describe('scrubText: no credential survives in text the inventory keeps', () => {
  const cases: readonly (readonly [string, (t: string) => string])[] = [
    ['a URL password', (t) => `git+https://x-access-token:${t}@github.com/org/repo.git`],
    ['a token as the URL user', (t) => `pip install git+https://${t}@github.com/org/pkg`],
    ['a secret-named query parameter', (t) => `https://mcp.example.test/sse?api_key=${t}&p=1`],
    ['a signature parameter', (t) => `https://store.example.test/f?sig=${t}&x=1`],
    ['an OAuth fragment', (t) => `https://mcp.example.test/cb#access_token=${t}`],
    ['an Authorization header', (t) => `Authorization: Bearer ${t}`],
    ['an Authorization header without a space', (t) => `Authorization:Bearer ${t}`],
    [
      'a bearer token in a curl command',
      (t) => `curl -s -H 'Authorization: Bearer ${t}' https://x`,
    ],
    ['an API key header', (t) => `run_shell_command(curl -H 'x-api-key: ${t}')`],
    ['a secret-named variable', (t) => `MY_SERVICE_TOKEN=${t} npm start`],
    ['a secret flag and its value', (t) => `server.py --secret-key ${t} --port 80`],
    ['a secret flag with =', (t) => `server.py --auth-token=${t}`],
  ]
  for (const [what, make] of cases) {
    it(what, () => {
      const t = token(what.length)
      const out = scrubText(make(t))
      expect(out).not.toContain(t)
      expect(out).not.toContain(t.slice(8, 24))
      // Idempotent: the scrubbed text is what a remembered analysis gives back next time.
      expect(scrubText(out)).toBe(out)
    })
  }

  it('keeps a key-rule match as its redacted preview, in code or in prose', () => {
    const key = fakeOpenAiKey(7)
    for (const text of [
      `torch.load(hf_hub_download('o/r', 'm.pt', token='${key}'))`,
      `description: Deploy with key ${key} today`,
      `/data/${key}/cache`,
    ]) {
      const out = scrubText(text)
      expect(out).not.toContain(key.slice(10, 40))
      expect(out).toContain(`sk-proj-…${key.slice(-4)}`)
    }
  })

  it('leaves references, placeholders, plain words, paths and ordinary URLs alone', () => {
    const kept = [
      'npx server --token $GITHUB_TOKEN',
      'Authorization: Bearer ${env:API_TOKEN}',
      'OPENAI_API_KEY=<your-key-here>',
      'the token expired; auth: required',
      'python -m srv --key-file /etc/srv/key.pem',
      'https://huggingface.co/org/model/resolve/main/config.json?download=true',
      'model llama3:8b-instruct-q4_K_M at /home/dev/.ollama/models',
      'password: hunter',
    ]
    for (const t of kept) expect(scrubText(t)).toBe(t)
  })
})

describe('scrubText on hostile text', () => {
  // Quadratic patterns take minutes on a megabyte of these (the test's time limit fails them);
  // linear ones take milliseconds. The text is whatever a file held.
  const hostile: readonly (readonly [string, string])[] = [
    ['dotted words (a URL scheme that never ends)', 'a.'.repeat(500_000)],
    ['a flag name of repeated secret words', '--' + 'key'.repeat(330_000)],
    ['an endless URL user name', 'https://' + 'u:'.repeat(500_000)],
    ['repeated names before a separator', 'token '.repeat(160_000) + '='],
    ['repeated bearer words', 'bearer '.repeat(150_000)],
  ]
  for (const [what, text] of hostile) {
    it(what, () => {
      expect(scrubText(text).length).toBeGreaterThan(0)
    })
  }
})

describe('scrubDetails', () => {
  it('scrubs nested strings and returns the same object when nothing changed', () => {
    const t = token(99)
    const clean = { args: ['-m', 'srv'], nested: { n: 1, ok: true } }
    expect(scrubDetails(clean)).toBe(clean)
    const dirty = {
      args: ['--header', `Authorization: Bearer ${t}`],
      deep: { list: [{ u: `https://a:${t}@h` }] },
    }
    const out = scrubDetails(dirty)
    expect(JSON.stringify(out)).not.toContain(t)
    expect(dirty.args[1]).toContain(t) // the input is not modified
  })
})
