import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const read = (p: string): string => readFileSync(resolve(__dirname, '../..', p), 'utf8')

describe('dashboard colours', () => {
  // The severity colours themselves (the HTML report's, readable in both themes) are checked on
  // the shared file by test/renderer/design-tokens.test.ts.
  it('come from the tokens the desktop app uses, not a copy', () => {
    const css = read('src/dashboard/src/styles.css')
    expect(css).toMatch(/^@import '\.\.\/\.\.\/shared\/styles\/tokens\.css';$/m)
    expect(read('src/renderer/src/styles/tokens.css')).toMatch(
      /^@import '\.\.\/\.\.\/\.\.\/shared\/styles\/tokens\.css';$/m,
    )
    // No colour token is defined again on either side.
    expect(css).not.toMatch(/--(sev-|bg|surface|text|accent)[\w-]*\s*:/)
  })
})
