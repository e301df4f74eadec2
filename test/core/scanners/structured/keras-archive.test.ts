import { describe, expect, it } from 'vitest'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { buildHdf5 } from '../../../fixtures/generators/structured/hdf5'
import {
  denseLayer,
  kerasLayer,
  kerasModel,
  lambdaLayerV3,
} from '../../../fixtures/generators/structured/keras'
import { judgeFile } from './helpers'

/** A Keras v3 `.keras` archive as keras.saving writes it: metadata.json, config.json, weights. */
function kerasArchive(config: unknown): Buffer {
  return buildZip([
    {
      name: 'metadata.json',
      data: Buffer.from(
        JSON.stringify({ keras_version: '3.8.0', date_saved: '2025-03-01@10:00:00' }),
      ),
    },
    { name: 'config.json', data: Buffer.from(JSON.stringify(config)), deflate: true },
    { name: 'model.weights.h5', data: buildHdf5({ layer_names: 'dense' }) },
  ])
}

function scanArchive(bytes: Buffer): {
  verdict: string
  rules: string[]
  members: (string | undefined)[]
} {
  const r = judgeFile(bytes, 'model.keras', '/m/model.keras')
  return {
    verdict: r.verdict,
    rules: r.all.map((f) => f.ruleId),
    members: r.all.map((f) => f.member),
  }
}

describe('Keras v3 .keras archives through the full registry (zip container hands config.json over)', () => {
  it('a benign archive is safe', () => {
    expect(scanArchive(kerasArchive(kerasModel([denseLayer()]))).verdict).toBe('safe')
  })

  it('CVE-2024-3660: a Lambda layer in config.json makes the archive malicious', () => {
    const r = scanArchive(kerasArchive(kerasModel([lambdaLayerV3()])))
    expect(r.verdict).toBe('malicious')
    expect(r.rules).toContain('keras.lambda-layer')
    expect(r.members.some((m) => m?.endsWith('config.json'))).toBe(true)
  })

  it('CVE-2025-1550: a module gadget in config.json makes the archive malicious', () => {
    const r = scanArchive(
      kerasArchive(kerasModel([kerasLayer('run', { args: ['id'] }, 'subprocess')])),
    )
    expect(r.verdict).toBe('malicious')
    expect(r.rules).toContain('keras.external-module')
  })
})
