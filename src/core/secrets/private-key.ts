import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'

/**
 * Private key files (an AI tool's identity key such as Ollama's `id_ed25519`). The key material
 * stays in memory: what leaves is the algorithm, whether a passphrase protects it, and the public
 * key's SHA-256 fingerprint (the same `SHA256:…` string `ssh-keygen -l` and the service's key
 * page show, derived from the public half only).
 */
export type PrivateKeyFacts = Readonly<{
  /** `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, `rsa`, `ec`, `ed25519`, … or `unknown`. */
  algorithm: string
  encrypted: boolean
  /** `SHA256:<base64>` of the public key, when it can be derived without a passphrase. */
  publicKeyFingerprint?: string
  /** The PEM body (whitespace removed): fingerprinted under the installation secret, never kept. */
  body: string
}>

const PEM =
  /-----BEGIN ((?:OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----([\s\S]{16,65536}?)-----END \1-----/

/** Reads a length-prefixed string of an OpenSSH key blob; undefined past the end. */
function sshString(buf: Buffer, at: number): { value: Buffer; next: number } | undefined {
  if (at + 4 > buf.length) return undefined
  const n = buf.readUInt32BE(at)
  if (n > buf.length - at - 4) return undefined
  return { value: buf.subarray(at + 4, at + 4 + n), next: at + 4 + n }
}

function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/** The unencrypted header of an `openssh-key-v1` blob: cipher, then the first public key. */
function openSshFacts(der: Buffer): Omit<PrivateKeyFacts, 'body'> | undefined {
  const magic = Buffer.from('openssh-key-v1\0', 'latin1')
  if (!der.subarray(0, magic.length).equals(magic)) return undefined
  const cipher = sshString(der, magic.length)
  const kdf = cipher && sshString(der, cipher.next)
  const kdfOptions = kdf && sshString(der, kdf.next)
  if (!cipher || !kdfOptions || kdfOptions.next + 4 > der.length) return undefined
  const pub = sshString(der, kdfOptions.next + 4)
  const type = pub && sshString(pub.value, 0)
  return {
    algorithm: type ? type.value.toString('latin1').slice(0, 40) : 'unknown',
    encrypted: cipher.value.toString('latin1') !== 'none',
    publicKeyFingerprint: pub ? sshFingerprint(pub.value) : undefined,
  }
}

/** PKCS#1 / PKCS#8 / SEC1 keys through Node's crypto (parsed, never used to sign anything). */
function pemFacts(pem: string, label: string): Omit<PrivateKeyFacts, 'body'> {
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem))
    return { algorithm: 'unknown', encrypted: true }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' })
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' })
    return {
      algorithm: key.asymmetricKeyType ?? 'unknown',
      encrypted: false,
      publicKeyFingerprint: `SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`,
    }
  } catch {
    return { algorithm: 'unknown', encrypted: false }
  }
}

/** Facts of the first PEM private key block in `text`, or undefined when there is none. */
export function privateKeyFacts(text: string): PrivateKeyFacts | undefined {
  const m = PEM.exec(text)
  if (!m?.[1] || m[2] === undefined) return undefined
  const label = m[1]
  const lines = m[2].split(/\r?\n/).filter((l) => l.trim() !== '' && !l.includes(':'))
  const body = lines.join('').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+=*$/.test(body) || body.length < 40) return undefined
  const facts =
    label === 'OPENSSH PRIVATE KEY'
      ? openSshFacts(Buffer.from(body, 'base64'))
      : pemFacts(m[0], label)
  return facts ? { ...facts, body } : undefined
}
