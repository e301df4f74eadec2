import { dirname } from 'node:path'
import type { FileAnalyzer } from '../types'
import { isWeightFile } from './weight-files'
import { ABSENT_ONLY, listDir } from '../../util/fs'

/** Sibling names that make a folder a model folder. */
const MODEL_MARKERS = new Set(['config.json', 'adapter_config.json', 'generation_config.json'])

/**
 * tokenizer_config.json / chat_template.jinja found by the crawl are sent to the static scanner
 * (its structured chat-template scanner checks the Jinja template) when they sit in a model
 * folder; elsewhere they are ordinary JSON/text and are left alone.
 */
export const MODEL_FOLDER_TEMPLATES_ANALYZER: FileAnalyzer = {
  id: 'model-folder-templates',
  names: ['tokenizer_config.json', 'chat_template.jinja', 'chat_template.json'],
  async analyze(path, ctx) {
    if (ctx.isClaimed(path)) return
    const dir = dirname(path)
    const siblings = await listDir(ctx, dir, ABSENT_ONLY)
    const isModelFolder = siblings.some(
      (e) => e.isFile() && (MODEL_MARKERS.has(e.name) || isWeightFile(e.name)),
    )
    if (!isModelFolder) return
    await ctx.addModel(path, { source: 'crawl', details: { role: 'chat-template', modelDir: dir } })
  },
}
